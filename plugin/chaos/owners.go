package chaos

// Owners are the GitHub handles of the CoreDNS maintainers, as listed in the
// project's CODEOWNERS file; authors.bind returns them when no authors are
// configured.
var Owners = []string{
	"Tantalor93", "bradbeam", "chrisohaver", "darshanime", "dilyevsky",
	"greenpau", "ihac", "inigohu", "isolus", "jameshartig",
	"johnbelamaric", "miekg", "mqasimsarfraz", "nchrisdk", "nitisht",
	"pmoroney", "rajansandeep", "rtreffer", "snebel29", "stp-ip",
	"superq", "thevilledev", "ykhr53", "yongtang", "zouyee",
}
