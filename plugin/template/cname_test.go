package template

import (
	"context"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// A templated CNAME is followed through the server for A and AAAA queries:
// the target's records join the answer.
func TestTemplateCNAME(t *testing.T) {
	h := newHandler(t, `template IN ANY alias.example {
    match ^alias\.example\.$
    answer "alias.example. 60 IN CNAME target.example."
}`, "example.:53")
	h.Next = test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		switch r.Question[0].Qtype {
		case dns.TypeA:
			m.Answer = []dns.RR{test.A(r.Question[0].Name + " 30 IN A 192.0.2.7")}
		case dns.TypeAAAA:
			m.Answer = []dns.RR{test.AAAA(r.Question[0].Name + " 30 IN AAAA 2001:db8::7")}
		}
		w.WriteMsg(m) //nolint:errcheck // test
		return dns.RcodeSuccess, nil
	})
	cfg := &dnsserver.Config{Zone: "example.", Plugin: []plugin.Plugin{func(plugin.Handler) plugin.Handler { return h }}}
	s, err := dnsserver.NewServer("dns://:0", []*dnsserver.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, s)

	cname := test.CNAME("alias.example. 60 IN CNAME target.example.")
	cases := []test.Case{
		{Qname: "alias.example.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{cname, test.A("target.example. 30 IN A 192.0.2.7")}},
		{Qname: "alias.example.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{cname, test.AAAA("target.example. 30 IN AAAA 2001:db8::7")}},
		// Other types get the CNAME alone.
		{Qname: "alias.example.", Qtype: dns.TypeCNAME, Authoritative: true, Answer: []dns.RR{cname}},
		{Qname: "alias.example.", Qtype: dns.TypeMX, Authoritative: true, Answer: []dns.RR{cname}},
	}
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := h.ServeDNS(ctx, rec, tc.Msg()); err != nil {
			t.Fatalf("%s: %v", dns.TypeToString[tc.Qtype], err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s: %v", dns.TypeToString[tc.Qtype], err)
		}
	}

	// Without a server to ask, the CNAME is answered alone.
	tc := test.Case{Qname: "alias.example.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{cname}}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

// The view golden scenario's templates: ANY ANY and IN ANY answer every
// type with what they were given.
func TestTemplateAnyTemplates(t *testing.T) {
	h := newHandler(t, `template ANY ANY {
    answer "{{ .Name }} 60 IN TXT txt-view"
}`, "lab.test.:53")
	h2 := newHandler(t, `template IN ANY {
    answer "{{ .Name }} 60 IN A 10.99.12.9"
}`, "lab.test.:53")
	cases := []struct {
		h  Handler
		tc test.Case
	}{
		{h, test.Case{Qname: "a.lab.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`a.lab.test. 60 IN TXT "txt-view"`)}}},
		{h, test.Case{Qname: "a.lab.test.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{test.TXT(`a.lab.test. 60 IN TXT "txt-view"`)}}},
		{h2, test.Case{Qname: "plain.lab.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.A("plain.lab.test. 60 IN A 10.99.12.9")}}},
		{h2, test.Case{Qname: "a.lab.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.A("a.lab.test. 60 IN A 10.99.12.9")}}},
	}
	for _, c := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := c.h.ServeDNS(context.Background(), rec, c.tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, c.tc); err != nil {
			t.Error(err)
		}
	}
}
