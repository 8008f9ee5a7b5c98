package dnsutil

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

func FuzzUnpackRequest(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	q.SetEdns0(4096, true)
	wire, _ := q.Pack()
	f.Add(wire)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := UnpackRequest(data)
		if err == nil && m.Response {
			t.Errorf("UnpackRequest accepted a response")
		}
	})
}

func FuzzExtractAddressFromReverse(f *testing.F) {
	f.Add("1.0.0.127.in-addr.arpa.")
	f.Add("b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.")
	f.Fuzz(func(t *testing.T, name string) {
		addr := ExtractAddressFromReverse(name)
		if addr == "" {
			return
		}
		// Whatever comes out must be an address whose reverse name is name.
		if net.ParseIP(addr) == nil {
			t.Fatalf("ExtractAddressFromReverse(%q) = %q, not an IP", name, addr)
		}
		back, err := dns.ReverseAddr(addr)
		if err != nil || !equalFold(back, name) {
			t.Fatalf("ExtractAddressFromReverse(%q) = %q, which reverses to %q", name, addr, back)
		}
	})
}

func equalFold(a, b string) bool {
	return len(a) == len(b) && hasSuffixFold(a, b)
}
