package acl

import (
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/fuzz"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzServeDNS sends arbitrary messages through a set of rules: whatever
// the query, checking it must not panic.
func FuzzServeDNS(f *testing.F) {
	c := caddy.NewTestController("dns", `acl {
		drop net 10.240.0.66
		block type MX
		filter type AAAA net 10.240.0.0/24
		allow net 10.240.0.1 10.240.1.0/24
	}
	acl sub.example.org {
		block
	}`)
	c.ServerBlockKeys = []string{"example.org.:53"}
	a, err := parse(c)
	if err != nil {
		f.Fatal(err)
	}
	a.Next = test.NextHandler(dns.RcodeSuccess, nil)
	for _, q := range []struct {
		name string
		typ  uint16
	}{
		{"example.org.", dns.TypeA},
		{"a.sub.example.org.", dns.TypeMX},
		{"www.example.org.", dns.TypeAAAA},
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
		fuzz.Do(a, data)
	})
}
