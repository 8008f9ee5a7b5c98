package test

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// TestCorefileErrors checks that a bad Corefile is refused with a message
// that tells the user what is wrong and, where caddy knows it, the file and
// line.
func TestCorefileErrors(t *testing.T) {
	tests := []struct {
		name     string
		corefile string
		want     string
	}{
		{
			"unknown directive",
			"example.org:0 {\n    bind 127.0.0.1\n    nosuchplugin\n}\n",
			"Corefile:3 - Error during parsing: Unknown directive 'nosuchplugin'",
		},
		{
			"unknown directive in second block",
			"example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\n\nexample.net:0 {\n    bind 127.0.0.1\n    whoamI\n}\n",
			"Corefile:8 - Error during parsing: Unknown directive 'whoamI'",
		},
		{
			"plugin argument",
			"example.org:0 {\n    bind 127.0.0.1\n    whoami extra\n}\n",
			"plugin/whoami: Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'",
		},
		{
			"plugin block",
			"example.org:0 {\n    whoami {\n        foo\n    }\n}\n",
			"plugin/whoami: Corefile:2 - Error during parsing:",
		},
		{
			"bad bind address",
			"example.org:0 {\n    bind not-an-address\n    whoami\n}\n",
			`plugin/bind: Corefile:2 - Error during parsing: not a valid IP address or interface name: "not-an-address"`,
		},
		{
			"unterminated block",
			"example.org:0 {\n    whoami\n",
			"Corefile:2 - Syntax error:",
		},
		{
			"missing import",
			"example.org:0 {\n    bind 127.0.0.1\n    import nosuchsnippet\n}\n",
			"Corefile:3 - Error during parsing: File to import not found: nosuchsnippet",
		},
		{
			"duplicate zone in two blocks",
			"example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\nExample.ORG.:0 {\n    bind 127.0.0.1\n    whoami\n}\n",
			"Corefile:6 - cannot serve dns://example.org.:0 - it is already defined",
		},
		{
			"duplicate zone in one block",
			"example.org:0 example.org:0 {\n    whoami\n}\n",
			"Corefile:2 - cannot serve dns://example.org.:0 - it is already defined",
		},
		{
			"duplicate reverse zone",
			"10.0.0.0/15:0 {\n    bind 127.0.0.1\n    whoami\n}\n1.10.in-addr.arpa:0 {\n    bind 127.0.0.1\n    whoami\n}\n",
			"Corefile:6 - cannot serve dns://1.10.in-addr.arpa.:0 - it is already defined",
		},
		{
			"bad port",
			"example.org:99999 {\n    whoami\n}\n",
			`Corefile:2 - invalid server block key "example.org:99999": invalid port "99999"`,
		},
		{
			"non-numeric port",
			"example.org:dns {\n    whoami\n}\n",
			`invalid port "dns"`,
		},
		{
			"bad CIDR prefix",
			"10.0.0.0/33:0 {\n    whoami\n}\n",
			`Corefile:2 - invalid server block key "10.0.0.0/33:0": invalid CIDR "10.0.0.0/33"`,
		},
		{
			"duplicate zone in an empty block",
			"example.org:0 {\n}\nexample.org:0 {\n}\n",
			"Corefile - cannot serve dns://example.org.:0 - it is already defined",
		},
		{
			"bad CIDR address",
			"10.0.0.300/24:0 {\n    whoami\n}\n",
			`invalid CIDR "10.0.0.300/24"`,
		},
		{
			"unsupported transport",
			"unix://example.org:0 {\n    whoami\n}\n",
			`unsupported transport "unix"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i, err := CoreDNSServer(tc.corefile)
			if err == nil {
				i.Stop()
				t.Fatalf("Corefile was accepted:\n%s", tc.corefile)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestCorefileEdgeCasesStart covers Corefiles that are odd but valid.
func TestCorefileEdgeCasesStart(t *testing.T) {
	tests := []struct {
		name     string
		corefile string
		qname    string
		rcode    int
	}{
		{"comments and blank lines", "# leading comment\n\nexample.org:0 { # trailing\n    bind 127.0.0.1 # why\n\n    whoami\n}\n", "example.org.", dns.RcodeSuccess},
		{"snippet import", "(common) {\n    bind 127.0.0.1\n}\nexample.org:0 {\n    import common\n    whoami\n}\n", "www.example.org.", dns.RcodeSuccess},
		{"comma separated keys", "example.org:0, example.net:0 {\n    bind 127.0.0.1\n    whoami\n}\n", "example.net.", dns.RcodeSuccess},
		{"transport prefix", "dns://example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\n", "example.org.", dns.RcodeSuccess},
		{"environment variable", "{$COREDNS_TEST_ZONE}:0 {\n    bind 127.0.0.1\n    whoami\n}\n", "env.example.", dns.RcodeSuccess},
	}
	t.Setenv("COREDNS_TEST_ZONE", "env.example")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			udp, _ := startServer(t, tc.corefile)
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, dns.TypeA)
			resp := e2eExchange(t, "udp", udp, m)
			if resp.Rcode != tc.rcode || len(resp.Extra) != 2 {
				t.Errorf("reply %v", resp)
			}
		})
	}
}

// TestCorefileBlockWithoutPlugins: a zone with no plugins must not crash
// the server and must not answer.
func TestCorefileBlockWithoutPlugins(t *testing.T) {
	udp, tcp := startServer(t, "example.org:0 {\n    bind 127.0.0.1\n}\nexample.net:0 {\n    bind 127.0.0.1\n    whoami\n}\n")
	for _, nw := range transports(udp, tcp) {
		m := new(dns.Msg)
		m.SetQuestion("www.example.org.", dns.TypeA)
		if resp := e2eExchange(t, nw.network, nw.addr, m); resp.Rcode == dns.RcodeSuccess || len(resp.Answer)+len(resp.Extra) != 0 {
			t.Errorf("%s: zone without plugins answered %v", nw.network, resp)
		}
		m.SetQuestion("www.example.net.", dns.TypeA)
		if resp := e2eExchange(t, nw.network, nw.addr, m); resp.Rcode != dns.RcodeSuccess {
			t.Errorf("%s: other zone after it: %v", nw.network, resp)
		}
	}
}
