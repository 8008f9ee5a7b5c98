package hello

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "hello example.org {\n fallthrough\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	c = caddy.NewTestController("dns", "hello {\n bogus\n}")
	if err := setup(c); err == nil {
		t.Fatal("setup accepted an unknown property")
	}
}

func TestHello(t *testing.T) {
	h := Hello{Next: test.ErrorHandler(), Zones: []string{"example.org."}}
	cases := []test.Case{
		{
			Qname: "a.example.org.", Qtype: dns.TypeTXT,
			Answer: []dns.RR{test.TXT(`a.example.org. 30 IN TXT "hello 10.240.0.1"`)},
		},
		{Qname: "a.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
		{Qname: "a.example.net.", Qtype: dns.TypeTXT, Rcode: dns.RcodeServerFailure},
	}
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		_, err := h.ServeDNS(context.Background(), rec, tc.Msg())
		if tc.Rcode != dns.RcodeSuccess {
			if rec.Msg == nil || rec.Msg.Rcode != tc.Rcode {
				t.Errorf("%s %d: want rcode %d, got %v (err %v)", tc.Qname, tc.Qtype, tc.Rcode, rec.Msg, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Error(err)
		}
	}
}
