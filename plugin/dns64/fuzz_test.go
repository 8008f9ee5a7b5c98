package dns64

import (
	"testing"

	"github.com/coredns/coredns/plugin/pkg/fuzz"

	"github.com/miekg/dns"
)

// FuzzServeDNS sends arbitrary messages to the plugin, with translation
// for every client: whatever the query, answering it must not panic.
func FuzzServeDNS(f *testing.F) {
	d := &DNS64{Prefix: wellKnownPrefix, AllowIPv4: true, TranslateAll: true, Next: next, Upstream: &fakeUpstream{}}
	for _, q := range []struct {
		name string
		typ  uint16
	}{
		{"v4.example.org.", dns.TypeAAAA},
		{"hop.example.org.", dns.TypeAAAA},
		{"void.example.org.", dns.TypeAAAA},
		{"v4.example.org.", dns.TypeA},
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
		fuzz.Do(d, data)
	})
}
