package cache

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/fuzz"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzServeDNS sends arbitrary messages through a cache in front of a
// backend that answers every question: nothing may panic, whether the
// message is a miss or a hit.
func FuzzServeDNS(f *testing.F) {
	ca := New()
	ca.Next = test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		if len(r.Question) > 0 {
			m.Answer = []dns.RR{&dns.A{
				Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60},
				A:   []byte{192, 0, 2, 1},
			}}
		}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	})
	for _, q := range []struct {
		name string
		typ  uint16
	}{
		{"example.org.", dns.TypeA},
		{"EXAMPLE.org.", dns.TypeA},
		{"example.org.", dns.TypeAAAA},
	} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.typ)
		m.SetEdns0(1232, true)
		wire, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // no question
	f.Fuzz(func(_ *testing.T, data []byte) {
		fuzz.Do(ca, data)
		fuzz.Do(ca, data) // the second time may be a hit
	})
}
