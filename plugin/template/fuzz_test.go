package template

import (
	"testing"

	"github.com/coredns/coredns/plugin/pkg/fuzz"

	"github.com/miekg/dns"
)

// FuzzServeDNS sends arbitrary messages through the golden scenario's
// templates: whatever the query, serving it must not panic.
func FuzzServeDNS(f *testing.F) {
	h := newHandler(f, labTemplates, "lab.test.:53", "99.10.in-addr.arpa.:53")
	h.Next = nil
	for _, q := range []struct {
		name string
		typ  uint16
	}{
		{"ip-4-20.lab.test.", dns.TypeA},
		{"echo.lab.test.", dns.TypeTXT},
		{"v6-ab.lab.test.", dns.TypeAAAA},
		{"20.4.99.10.in-addr.arpa.", dns.TypePTR},
		{"blocked.lab.test.", dns.TypeTXT},
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
		fuzz.Do(h, data)
	})
}
