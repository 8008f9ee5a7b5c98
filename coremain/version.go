package coremain

// Name and version of this server, as reported by -version and metrics.
const (
	CoreVersion = "1.14.7"
	CoreName    = "CoreDNS"
)
