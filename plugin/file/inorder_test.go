package file

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const inOrderFirst = `$ORIGIN example.org.
@    300 IN SOA ns1 admin 1 7200 1800 86400 300
     300 IN NS  ns1
ns1  300 IN A   192.0.2.1
a    300 IN A   192.0.2.10
sub  300 IN NS  ns.sub
`

const inOrderSecond = `$ORIGIN example.org.
@    300 IN SOA ns2 admin 2 7200 1800 86400 300
     300 IN NS  ns2
ns2  300 IN A   192.0.2.2
b    300 IN A   192.0.2.20
`

func TestServeInOrder(t *testing.T) {
	var zones []*Zone
	for _, body := range []string{inOrderFirst, inOrderSecond} {
		z, err := Parse(strings.NewReader(body), "example.org.", "stdin", 0)
		if err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	get := func(i int) *Zone { return zones[i] }
	next := test.NextHandler(dns.RcodeRefused, nil)
	through := fall.F{}
	through.SetZonesFromArgs(nil)

	tests := []struct {
		qname        string
		byDelegation bool
		f            fall.F
		rcode        int
		answer       int
		ns           int
	}{
		{qname: "a.example.org.", rcode: dns.RcodeSuccess, answer: 1, ns: 1},              // first zone
		{qname: "b.example.org.", rcode: dns.RcodeSuccess, answer: 1, ns: 1},              // second zone
		{qname: "c.example.org.", rcode: dns.RcodeNameError, ns: 1},                       // the last zone's NXDOMAIN
		{qname: "x.sub.example.org.", rcode: dns.RcodeNameError, ns: 1},                   // referral does not stop
		{qname: "x.sub.example.org.", byDelegation: true, rcode: dns.RcodeSuccess, ns: 1}, // referral answers
		{qname: "c.example.org.", f: through, rcode: dns.RcodeRefused},                    // falls through
	}
	for _, tc := range tests {
		m := new(dns.Msg)
		m.SetQuestion(tc.qname, dns.TypeA)
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rc, err := ServeInOrder(context.Background(), "test", next, tc.f, tc.byDelegation, rec, m, len(zones), get)
		if err != nil {
			t.Fatal(err)
		}
		if tc.rcode == dns.RcodeRefused { // the next handler's
			if rc != dns.RcodeRefused {
				t.Errorf("%s: rcode %d, want the next handler's", tc.qname, rc)
			}
			continue
		}
		if rc != dns.RcodeSuccess || rec.Msg == nil {
			t.Errorf("%s (byDelegation %v): rcode %d, nothing written", tc.qname, tc.byDelegation, rc)
			continue
		}
		if rec.Msg.Rcode != tc.rcode || len(rec.Msg.Answer) != tc.answer || len(rec.Msg.Ns) != tc.ns {
			t.Errorf("%s (byDelegation %v): reply %v", tc.qname, tc.byDelegation, rec.Msg)
		}
	}
}
