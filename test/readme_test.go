package test

import (
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/caddy/caddyfile"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/test"
)

// TestReadme starts a server from every corefile example in the top-level
// README.md and in every README.md under plugin/ (and from the sample
// Corefile at the top of the tree), then stops it. Each
// example is first made local: every server block key gets port 0 and every
// block without a bind gets one to a loopback address (a distinct one for
// each port the example used, so blocks on different ports stay apart). The
// server runs in the README's folder, so an example may name data files kept
// beside its README.
//
// An example that names a directive this binary lacks is skipped: plugins
// land one by one. Any other failure to start fails the test.
func TestReadme(t *testing.T) {
	readmes := []string{filepath.Join("..", "README.md")}
	err := filepath.WalkDir(filepath.Join("..", "plugin"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "README.md" {
			readmes = append(readmes, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The sample Corefile at the top of the tree is one more example.
	if body, err := os.ReadFile(filepath.Join("..", "Corefile")); err == nil {
		t.Run("Corefile", func(t *testing.T) {
			checkReadmeExample(t, "..", "Corefile", readmeExample{line: 1, text: string(body)})
		})
	}

	for _, readme := range readmes {
		body, err := os.ReadFile(readme)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		name := strings.TrimPrefix(filepath.ToSlash(readme), "../")
		for _, ex := range corefileExamples(string(body)) {
			t.Run(name+":"+strconv.Itoa(ex.line), func(t *testing.T) {
				checkReadmeExample(t, filepath.Dir(readme), name, ex)
			})
		}
	}
}

func checkReadmeExample(t *testing.T, dir, name string, ex readmeExample) {
	blocks, err := caddyfile.Parse(name, strings.NewReader(ex.text), nil)
	if err != nil {
		t.Fatalf("example at %s:%d does not parse: %v\n%s", name, ex.line, err, ex.text)
	}
	if missing := missingDirectives(blocks); len(missing) > 0 {
		t.Skipf("example at %s:%d uses directives this binary lacks: %s", name, ex.line, strings.Join(missing, ", "))
	}
	if why := cannotStartHere(blocks, dir); why != "" {
		t.Skipf("example at %s:%d is not started: %s", name, ex.line, why)
	}

	corefile := localizeCorefile(redirectRemotes(withTestCerts(t, ex.text, dir), closedLoopback(t)))
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(abs)
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("example at %s:%d does not start: %v\n(Corefile line N is line %d+N of the README)\nas run:\n%s", name, ex.line, err, ex.line-1, corefile)
	}
	CoreDNSServerStop(i)
}

// readmeExample is one fenced corefile block and the line its text starts on.
type readmeExample struct {
	line int
	text string
}

// corefileExamples returns the blocks fenced with ``` or ~~~ whose info
// string is "corefile" (in any case).
func corefileExamples(md string) []readmeExample {
	var (
		out   []readmeExample
		fence string // the open fence, "" outside one
		keep  bool
		start int
		text  strings.Builder
	)
	for n, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if fence == "" {
			for _, f := range []string{"```", "~~~"} {
				if strings.HasPrefix(trimmed, f) {
					run := len(trimmed) - len(strings.TrimLeft(trimmed, f[:1]))
					fence = trimmed[:run]
					info := strings.TrimSpace(trimmed[run:])
					keep = strings.EqualFold(strings.Fields(info + " x")[0], "corefile")
					start = n + 2
					text.Reset()
					break
				}
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]) == "" {
			if keep {
				out = append(out, readmeExample{line: start, text: text.String()})
			}
			fence = ""
			continue
		}
		text.WriteString(line + "\n")
	}
	return out
}

// missingDirectives lists the directives of blocks that are not in
// dnsserver.Directives or have no registered setup.
func missingDirectives(blocks []caddyfile.ServerBlock) []string {
	var missing []string
	for _, b := range blocks {
		for dir := range b.Tokens {
			_, err := caddy.DirectiveAction("dns", dir)
			if (err != nil || !slices.Contains(dnsserver.Directives, dir)) && !slices.Contains(missing, dir) {
				missing = append(missing, dir)
			}
		}
	}
	slices.Sort(missing)
	return missing
}

// Directives whose setup or start-up reaches out to a remote service. Tests
// only ever send traffic to this machine, so the remote addresses such
// examples name are rewritten to a closed loopback port: secondary's
// transfers, transfer's NOTIFYs, dnstap's and etcd's connections and the
// kubernetes informers then fail in the background while the server runs.
// The cloud plugins cannot start without their service.
var (
	alwaysRemote   = map[string]bool{"route53": true, "azure": true, "clouddns": true}
	remoteAtStart  = map[string]bool{"secondary": true, "transfer": true, "dnstap": true, "etcd": true, "kubernetes": true, "nomad": true}
	addressSchemes = []string{"tcp://", "tls://", "http://", "https://", "dns://", "grpc://"}
	// credentialFiles are kubernetes options naming files start-up reads.
	credentialFiles = map[string]bool{"tls": true, "kubeconfig": true}
)

// cannotStartHere says why blocks cannot start on this machine, or returns
// "": a cloud plugin, or a kubernetes block naming credential files that do
// not exist beside the README (dir).
func cannotStartHere(blocks []caddyfile.ServerBlock, dir string) string {
	for _, b := range blocks {
		for directive, toks := range b.Tokens {
			if alwaysRemote[directive] {
				return directive + " needs a cloud service"
			}
			if directive != "kubernetes" {
				continue
			}
			for n, tok := range toks {
				if !credentialFiles[tok.Text] || n+1 >= len(toks) || toks[n+1].Line != tok.Line {
					continue
				}
				file := toks[n+1].Text
				if strings.HasSuffix(file, ".pem") {
					continue // withTestCerts provides it
				}
				if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
					return "kubernetes " + tok.Text + " names " + file + ", which does not exist here"
				}
			}
		}
	}
	return ""
}

// withTestCerts replaces every word of s naming a .pem file that does not
// exist in dir with the path of a throwaway one made for the test: a key
// when the name has "key" in it, a CA certificate when it starts with "ca",
// a server certificate otherwise. Examples can so show the usual
// cert.pem/key.pem/ca.pem without the tree holding private keys.
func withTestCerts(t *testing.T, s, dir string) string {
	t.Helper()
	var (
		pemDir string
		edits  []cfEdit
	)
	for _, tok := range corefileTokens(s) {
		name := strings.Trim(tok.text, `"`)
		if !strings.HasSuffix(name, ".pem") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			continue
		}
		if pemDir == "" {
			var err error
			if pemDir, err = test.WritePEMFiles(t); err != nil {
				t.Fatal(err)
			}
		}
		base := strings.ToLower(filepath.Base(name))
		file := "cert.pem"
		switch {
		case strings.Contains(base, "key"):
			file = "key.pem"
		case strings.HasPrefix(base, "ca"):
			file = "ca.pem"
		}
		edits = append(edits, cfEdit{tok.start, tok.end, filepath.Join(pemDir, file)})
	}
	slices.SortStableFunc(edits, func(a, b cfEdit) int { return b.start - a.start })
	for _, e := range edits {
		s = s[:e.start] + e.text + s[e.end:]
	}
	return s
}

// closedLoopback returns a loopback address whose port nobody listens on
// (one just bound and released), so connections to it fail at once.
func closedLoopback(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// redirectRemotes rewrites, in the arguments of directives that contact
// other hosts, every address off this machine to closed (host:port),
// keeping any scheme. A kubernetes block whose endpoint moved gets a zero
// startup_timeout so start-up does not wait for an API server that is not
// there.
func redirectRemotes(s, closed string) string {
	toks := corefileTokens(s)
	var edits []cfEdit
	directive, depth := "", 0 // the server block directive the words belong to
	for n, tok := range toks {
		switch tok.text {
		case "{":
			depth++
			continue
		case "}":
			if depth--; depth == 0 {
				directive = ""
			}
			continue
		}
		lineStart := n == 0 || toks[n-1].line != tok.line || toks[n-1].text == "{"
		if lineStart && depth == 1 {
			directive = tok.text
		}
		if depth == 0 {
			directive = ""
		}
		if !remoteAtStart[directive] || remoteHost(tok.text) == "" {
			continue
		}
		scheme := ""
		for _, sc := range addressSchemes {
			if strings.HasPrefix(tok.text, sc) {
				scheme = sc
			}
		}
		repl := scheme + closed
		if directive == "kubernetes" {
			repl += "\n" + strings.Repeat(" ", 8) + "startup_timeout 0s"
		}
		edits = append(edits, cfEdit{tok.start, tok.end, repl})
	}
	slices.SortStableFunc(edits, func(a, b cfEdit) int { return b.start - a.start })
	for _, e := range edits {
		s = s[:e.start] + e.text + s[e.end:]
	}
	return s
}

// remoteHost returns the host s names when it is an address off this
// machine: an IP literal that is not loopback, or a host name given with a
// scheme or port that is not localhost.
func remoteHost(s string) string {
	named := false
	for _, scheme := range addressSchemes {
		if strings.HasPrefix(s, scheme) {
			s, named = s[len(scheme):], true
			break
		}
	}
	if i := strings.IndexByte(s, '/'); i >= 0 && named {
		s = s[:i]
	}
	host := s
	if h, _, err := net.SplitHostPort(s); err == nil {
		host, named = h, true
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsUnspecified() {
			return ""
		}
		return host
	}
	if named && host != "" && host != "localhost" && !strings.Contains(host, "{") {
		return host
	}
	return ""
}

// cfToken is one word of a Corefile with its byte offsets.
type cfToken struct {
	text       string
	start, end int
	line       int
}

// corefileTokens splits s into words as caddy's lexer does: blanks separate
// them, "#" starts a comment, and double quotes group (and may span lines).
func corefileTokens(s string) []cfToken {
	var toks []cfToken
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '"':
			start, startLine := i, line
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				if s[i] == '\n' {
					line++
				}
			}
			i++
			toks = append(toks, cfToken{text: s[start:min(i, len(s))], start: start, end: min(i, len(s)), line: startLine})
		default:
			start := i
			for i < len(s) && !strings.ContainsRune(" \t\r\n", rune(s[i])) {
				i++
			}
			toks = append(toks, cfToken{text: s[start:i], start: start, end: i, line: line})
		}
	}
	return toks
}

// cfEdit replaces s[start:end] with text.
type cfEdit struct {
	start, end int
	text       string
}

// localizeCorefile rewrites every server block key to port 0 and inserts a
// loopback bind into every server block that has none. Blocks whose keys
// named different ports (or transports) get different loopback addresses,
// so they do not merge into one listener.
func localizeCorefile(s string) string {
	toks := corefileTokens(s)
	var edits []cfEdit
	listeners := map[string]string{} // transport+port -> loopback address

	for k := 0; k < len(toks); {
		if toks[k].text == "import" { // a top-level import: leave it be
			for line := toks[k].line; k < len(toks) && toks[k].line == line; k++ {
			}
			continue
		}
		keys, braced, bodyStart, bodyEnd := serverBlock(toks, k)
		k = bodyEnd + 1
		if len(keys) == 0 || isSnippet(keys[0].text) {
			continue
		}

		listener := ""
		for n, key := range keys {
			rewritten, l := portZeroKey(key.text)
			if n == 0 {
				listener = l
			}
			edits = append(edits, cfEdit{key.start, key.end, rewritten})
		}
		if hasBind(toks, bodyStart, bodyEnd) {
			continue
		}
		addr, ok := listeners[listener]
		if !ok {
			addr = "127.0.0." + strconv.Itoa(len(listeners)+1)
			listeners[listener] = addr
		}
		// The bind goes on the line of the opening brace, so that line
		// numbers in errors still match the README.
		bind := " bind " + addr
		if !braced {
			last := keys[len(keys)-1]
			closing := "}\n"
			if !strings.HasSuffix(s, "\n") {
				closing = "\n" + closing
			}
			edits = append(edits, cfEdit{last.end, last.end, " {" + bind}, cfEdit{len(s), len(s), closing})
			continue
		}
		open := toks[bodyStart-1]
		if bodyStart < len(toks) && toks[bodyStart].line == open.line {
			bind += "\n" // something follows the brace on its line
		}
		edits = append(edits, cfEdit{open.end, open.end, bind})
	}

	// Apply from the end so earlier offsets stay valid.
	slices.SortStableFunc(edits, func(a, b cfEdit) int { return b.start - a.start })
	for _, e := range edits {
		s = s[:e.start] + e.text + s[e.end:]
	}
	return s
}

// serverBlock reads the block starting at toks[k]: its keys, whether it has
// braces, and the range of its body (toks[bodyEnd] is the closing brace). A
// block without braces runs to the end of the file.
func serverBlock(toks []cfToken, k int) (keys []cfToken, braced bool, bodyStart, bodyEnd int) {
	for k < len(toks) && toks[k].text != "{" {
		if len(keys) > 0 && toks[k].line != keys[len(keys)-1].line {
			return keys, false, k, len(toks) // braceless: directives follow
		}
		keys = append(keys, toks[k])
		k++
	}
	if k >= len(toks) {
		return keys, false, k, len(toks)
	}
	depth := 1
	for bodyEnd = k + 1; bodyEnd < len(toks); bodyEnd++ {
		switch toks[bodyEnd].text {
		case "{":
			depth++
		case "}":
			depth--
		}
		if depth == 0 {
			break
		}
	}
	return keys, true, k + 1, bodyEnd
}

func isSnippet(key string) bool { return strings.HasPrefix(key, "(") && strings.HasSuffix(key, ")") }

// hasBind reports whether the body toks[start:end] has a bind directive of
// its own (not one inside a nested block).
func hasBind(toks []cfToken, start, end int) bool {
	for j := start; j < end; j++ {
		first := j == start || toks[j-1].line != toks[j].line
		if first && toks[j].text == "bind" && blockDepth(toks[start:j]) == 0 {
			return true
		}
	}
	return false
}

// blockDepth is the brace depth after toks, relative to their start.
func blockDepth(toks []cfToken) int {
	d := 0
	for _, t := range toks {
		switch t.text {
		case "{":
			d++
		case "}":
			d--
		}
	}
	return d
}

// portZeroKey returns key with its port replaced by 0, and the transport and
// original port, which identify the listener the key asked for.
func portZeroKey(key string) (string, string) {
	comma := ""
	if strings.HasSuffix(key, ",") {
		key, comma = key[:len(key)-1], ","
	}
	scheme := ""
	if i := strings.Index(key, "://"); i >= 0 {
		scheme, key = key[:i+3], key[i+3:]
	}
	host, port := key, ""
	switch {
	case strings.Contains(key, "/"): // CIDR, e.g. 10.0.0.0/8:53 or fd00::/8:53
		slash := strings.IndexByte(key, '/')
		if c := strings.IndexByte(key[slash:], ':'); c >= 0 {
			host, port = key[:slash+c], key[slash+c+1:]
		}
	case strings.HasPrefix(key, "["):
		if end := strings.IndexByte(key, ']'); end >= 0 {
			host, port = key[:end+1], strings.TrimPrefix(key[end+1:], ":")
		}
	case strings.Count(key, ":") == 1:
		c := strings.IndexByte(key, ':')
		host, port = key[:c], key[c+1:]
	}
	return scheme + host + ":0" + comma, scheme + port
}

func TestLocalizeCorefile(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"root", ". {\n    whoami\n}\n", ".:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"port", "example.org:53 {\n    whoami\n}\n", "example.org:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"has bind", "example.org:1053 {\n    bind 127.0.0.1\n    whoami\n}\n", "example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\n"},
		{"transport", "dns://.:1053 {\n    whoami\n}\n", "dns://.:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"tls", "tls://example.org {\n    whoami\n}\n", "tls://example.org:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"cidr", "10.0.0.0/8 fd00::/8:1053 {\n    whoami\n}\n", "10.0.0.0/8:0 fd00::/8:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"comma keys", "a.example:53, b.example {\n    whoami\n}\n", "a.example:0, b.example:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{
			"two ports, two addresses",
			"example.org {\n    whoami\n}\n.:1053 {\n    whoami\n}\nexample.net:53 {\n    whoami\n}\n",
			"example.org:0 { bind 127.0.0.1\n    whoami\n}\n.:0 { bind 127.0.0.2\n    whoami\n}\nexample.net:0 { bind 127.0.0.3\n    whoami\n}\n",
		},
		{
			"snippet and import",
			"(common) {\n    whoami\n}\n\nexample.org {\n    import common\n}\n",
			"(common) {\n    whoami\n}\n\nexample.org:0 { bind 127.0.0.1\n    import common\n}\n",
		},
		{
			"nested blocks, comments and quotes",
			"# a comment { with braces\nexample.org { # keys\n    template IN A {\n        answer \"{{ .Name }} 60 IN A 127.0.0.1\"\n    }\n}\n",
			"# a comment { with braces\nexample.org:0 { bind 127.0.0.1 # keys\n    template IN A {\n        answer \"{{ .Name }} 60 IN A 127.0.0.1\"\n    }\n}\n",
		},
		{"nested bind is no bind", "example.org {\n    view x {\n        bind y\n    }\n}\n", "example.org:0 { bind 127.0.0.1\n    view x {\n        bind y\n    }\n}\n"},
		{"braceless", "example.org:53\nwhoami\n", "example.org:0 { bind 127.0.0.1\nwhoami\n}\n"},
		{"directive after brace", ". { whoami\n}\n", ".:0 { bind 127.0.0.1\n whoami\n}\n"},
		{"bind after brace", ". { bind 127.0.0.1\n    whoami\n}\n", ".:0 { bind 127.0.0.1\n    whoami\n}\n"},
		{"braceless without final newline", "example.org\nwhoami", "example.org:0 { bind 127.0.0.1\nwhoami\n}\n"},
	}
	for _, tc := range tests {
		if got := localizeCorefile(tc.in); got != tc.want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}

func TestCorefileExamples(t *testing.T) {
	md := "# x\n\n~~~ corefile\n. {\n    whoami\n}\n~~~\n\n```txt\nnot this\n```\n\n````Corefile\nexample.org {\n    whoami\n}\n````\n\n~~~\nnor this\n~~~\n"
	got := corefileExamples(md)
	want := []readmeExample{{4, ". {\n    whoami\n}\n"}, {14, "example.org {\n    whoami\n}\n"}}
	if !slices.Equal(got, want) {
		t.Errorf("corefileExamples() = %+v, want %+v", got, want)
	}
}

func TestRemoteHost(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.1":                    "10.0.0.1",
		"127.0.0.1":                   "",
		"[::1]:53":                    "",
		"192.0.2.1:53":                "192.0.2.1",
		"tcp://127.0.0.1:6000":        "",
		"tcp://dnstap.example:6000":   "dnstap.example",
		"http://localhost:2379":       "",
		"https://k8s.example.com:443": "k8s.example.com",
		"cluster.local":               "",
		"10.0.0.0/8":                  "",
		"/etc/resolv.conf":            "",
		"*":                           "",
	} {
		if got := remoteHost(in); got != want {
			t.Errorf("remoteHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedirectRemotes(t *testing.T) {
	const closed = "127.0.0.1:9"
	tests := []struct{ in, want string }{
		{
			"example.org {\n    secondary {\n        transfer from 10.0.1.1 10.1.2.1:5300\n    }\n}\n",
			"example.org {\n    secondary {\n        transfer from 127.0.0.1:9 127.0.0.1:9\n    }\n}\n",
		},
		{
			"10.0.0.1 {\n    transfer {\n        to 10.0.0.0/8 192.0.2.10 127.0.0.1\n    }\n    forward . 192.0.2.1\n}\n",
			"10.0.0.1 {\n    transfer {\n        to 10.0.0.0/8 127.0.0.1:9 127.0.0.1\n    }\n    forward . 192.0.2.1\n}\n",
		},
		{
			". { dnstap tcp://dnstap.example:6000 full\n}\n",
			". { dnstap tcp://127.0.0.1:9 full\n}\n",
		},
		{
			". {\n    kubernetes cluster.local {\n        endpoint https://k8s.example.net:6443\n    }\n}\n",
			". {\n    kubernetes cluster.local {\n        endpoint https://127.0.0.1:9\n        startup_timeout 0s\n    }\n}\n",
		},
	}
	for _, tc := range tests {
		if got := redirectRemotes(tc.in, closed); got != tc.want {
			t.Errorf("redirectRemotes(%q):\ngot:\n%s\nwant:\n%s", tc.in, got, tc.want)
		}
	}
}
