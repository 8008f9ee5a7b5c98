package dnsserver

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// CoreDNS answers REFUSED for a zone whose server block has no plugins
// (upstream pull request 4184 turned a crash into REFUSED); server.go's
// this test pins that.
func TestServeDNSEmptyChainRefused(t *testing.T) {
	s, err := NewServer("dns://:53", []*Config{{Zone: "example.org."}})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("www.example.org.", dns.TypeA)
	if resp := serve(t, s, &test.ResponseWriter{}, r); resp.Rcode != dns.RcodeRefused {
		t.Errorf("block without plugins: rcode %s, want REFUSED", dns.RcodeToString[resp.Rcode])
	}
}
