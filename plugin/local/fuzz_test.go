package local

import (
	"testing"

	"github.com/coredns/coredns/plugin/pkg/fuzz"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzServeDNS sends arbitrary messages to the plugin: whatever the query,
// answering it must not panic.
func FuzzServeDNS(f *testing.F) {
	l := &Local{Next: test.NextHandler(dns.RcodeSuccess, nil), Prefix: true}
	for _, q := range []struct {
		name string
		typ  uint16
	}{
		{"localhost.", dns.TypeA},
		{"localhost.example.org.", dns.TypeAAAA},
		{"1.0.0.127.in-addr.arpa.", dns.TypePTR},
		{"5.0.in-addr.arpa.", dns.TypeSOA},
		{"example.org.", dns.TypeA},
	} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.typ)
		wire, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // no question
	f.Fuzz(func(_ *testing.T, data []byte) {
		fuzz.Do(l, data)
	})
}
