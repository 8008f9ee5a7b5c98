package chaos

import (
	"context"
	"os"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestChaos(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	c := Chaos{
		Version: "LabDNS-4.2.0",
		Authors: []string{"Ada Lovelace", "Grace Hopper", "Linus"},
		Next:    test.NextHandler(dns.RcodeRefused, nil),
	}
	txt := func(owner, s string) dns.RR {
		return &dns.TXT{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{s}}
	}

	tests := []struct {
		qname  string
		qtype  uint16
		qclass uint16
		rcode  int
		answer []dns.RR
		next   bool // handled by the next plugin
	}{
		{qname: "version.bind.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{txt("version.bind.", "LabDNS-4.2.0")}},
		{qname: "VERSION.Bind.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{txt("VERSION.Bind.", "LabDNS-4.2.0")}},
		{qname: "version.server.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{txt("version.server.", "LabDNS-4.2.0")}},
		{qname: "authors.bind.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{
			txt("authors.bind.", "Ada Lovelace"), txt("authors.bind.", "Grace Hopper"), txt("authors.bind.", "Linus"),
		}},
		{qname: "hostname.bind.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{txt("hostname.bind.", host)}},
		{qname: "id.server.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, answer: []dns.RR{txt("id.server.", host)}},
		{qname: "version.bind.", qtype: dns.TypeA, qclass: dns.ClassCHAOS, rcode: dns.RcodeRefused, next: true},
		{qname: "version.bind.", qtype: dns.TypeANY, qclass: dns.ClassCHAOS, rcode: dns.RcodeRefused, next: true},
		{qname: "version.bind.", qtype: dns.TypeTXT, qclass: dns.ClassINET, rcode: dns.RcodeRefused, next: true},
		{qname: "version.bind.", qtype: dns.TypeTXT, qclass: dns.ClassHESIOD, rcode: dns.RcodeRefused, next: true},
		{qname: "other.bind.", qtype: dns.TypeTXT, qclass: dns.ClassCHAOS, rcode: dns.RcodeRefused, next: true},
	}
	for _, tc := range tests {
		r := new(dns.Msg)
		r.SetQuestion(tc.qname, tc.qtype)
		r.Question[0].Qclass = tc.qclass
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rcode, err := c.ServeDNS(context.Background(), rec, r)
		if err != nil {
			t.Fatalf("%s: %v", tc.qname, err)
		}
		if rcode != tc.rcode {
			t.Errorf("%s %s: rcode %d, want %d", tc.qname, dns.Type(tc.qtype), rcode, tc.rcode)
		}
		if tc.next {
			if rec.Msg != nil {
				t.Errorf("%s %s: chaos wrote a reply, want it passed on", tc.qname, dns.Type(tc.qtype))
			}
			continue
		}
		resp := rec.Msg
		if resp.Authoritative {
			t.Errorf("%s: reply is authoritative", tc.qname)
		}
		if resp.Question[0].Name != tc.qname || resp.Question[0].Qclass != dns.ClassCHAOS {
			t.Errorf("%s: question %v", tc.qname, resp.Question[0])
		}
		if err := test.SortAndCheck(resp, test.Case{Qname: tc.qname, Qtype: tc.qtype, Answer: tc.answer}); err != nil {
			t.Errorf("%s: %v", tc.qname, err)
		}
	}
}

func TestChaosNoNext(t *testing.T) {
	c := Chaos{Version: "v"}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	rcode, err := c.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL and an error", rcode, err)
	}
}
