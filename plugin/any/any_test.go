package any

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestAny(t *testing.T) {
	a := Any{Next: test.NextHandler(dns.RcodeRefused, nil)}
	tests := []struct {
		qname  string
		qtype  uint16
		do     bool
		rcode  int
		answer []dns.RR
		next   bool
	}{
		{qname: "kite.test.", qtype: dns.TypeANY, answer: []dns.RR{test.HINFO(`kite.test. 8482 IN HINFO "ANY obsoleted" "See RFC 8482"`)}},
		{qname: "pair.kite.test.", qtype: dns.TypeANY, do: true, answer: []dns.RR{test.HINFO(`pair.kite.test. 8482 IN HINFO "ANY obsoleted" "See RFC 8482"`)}},
		{qname: "Pair.Kite.Test.", qtype: dns.TypeANY, answer: []dns.RR{test.HINFO(`Pair.Kite.Test. 8482 IN HINFO "ANY obsoleted" "See RFC 8482"`)}},
		{qname: "pair.kite.test.", qtype: dns.TypeA, rcode: dns.RcodeRefused, next: true},
		{qname: "pair.kite.test.", qtype: dns.TypeTXT, rcode: dns.RcodeRefused, next: true},
	}
	for _, tc := range tests {
		tcase := test.Case{Qname: tc.qname, Qtype: tc.qtype, Do: tc.do, Answer: tc.answer}
		r := tcase.Msg()
		r.Question[0].Name = tc.qname // keep the case of the name
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rcode, err := a.ServeDNS(context.Background(), rec, r)
		if err != nil {
			t.Fatal(err)
		}
		if rcode != tc.rcode {
			t.Errorf("%s %s: rcode %d, want %d", tc.qname, dns.Type(tc.qtype), rcode, tc.rcode)
		}
		if tc.next {
			if rec.Msg != nil {
				t.Errorf("%s %s: any answered, want it passed on", tc.qname, dns.Type(tc.qtype))
			}
			continue
		}
		resp := rec.Msg
		if resp.Authoritative || resp.Rcode != dns.RcodeSuccess {
			t.Errorf("%s: AA=%v rcode=%d, want not authoritative NOERROR", tc.qname, resp.Authoritative, resp.Rcode)
		}
		if err := test.SortAndCheck(resp, tcase); err != nil {
			t.Errorf("%s: %v", tc.qname, err)
		}
		if ttl := resp.Answer[0].Header().Ttl; ttl != 8482 {
			t.Errorf("%s: TTL %d, want 8482", tc.qname, ttl)
		}
	}
}

func TestAnyNoNext(t *testing.T) {
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	rcode, err := Any{}.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL and an error", rcode, err)
	}
}
