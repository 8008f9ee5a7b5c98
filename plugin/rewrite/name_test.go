package rewrite

import (
	"slices"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// ruleCase is one query through rewrite rules in front of a backend.
type ruleCase struct {
	name  string
	rules string
	req   *dns.Msg
	// What the backend answers, with the names it sees.
	answer, ns, extra []dns.RR
	rcode             int
	// The question the backend must see; zero means "not called".
	sent dns.Question
	// The reply the client must get.
	want test.Case
}

func runRuleCases(t *testing.T, tests []ruleCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := answering(tc.answer, tc.ns, tc.extra)
			b.rcode = tc.rcode
			rw := newRewrite(t, tc.rules, b)
			reply, _, err := serve(t, rw, tc.req, nil)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if b.calls != 1 {
				t.Fatalf("backend called %d times", b.calls)
			}
			if got := b.got.Question[0]; got != tc.sent {
				t.Errorf("backend saw question %v, want %v", got, tc.sent)
			}
			checkQuestion(t, tc.name, tc.req, reply)
			checkReply(t, reply, tc.want)
		})
	}
}

// checkReply compares the whole reply with the case: header and sections
// with test.SortAndCheck, and every record's text, so no RDATA field is
// left out.
func checkReply(t *testing.T, reply *dns.Msg, want test.Case) {
	t.Helper()
	if err := test.SortAndCheck(reply, want); err != nil {
		t.Error(err)
	}
	for _, s := range []struct {
		name      string
		got, want []dns.RR
	}{{"answer", reply.Answer, want.Answer}, {"authority", reply.Ns, want.Ns}, {"additional", reply.Extra, want.Extra}} {
		if g, w := rrText(s.got), rrText(s.want); !slices.Equal(g, w) {
			t.Errorf("%s section:\n got  %q\n want %q", s.name, g, w)
		}
	}
}

func rrText(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.String())
	}
	slices.Sort(out)
	return out
}

func q(name string, qtype uint16) dns.Question {
	return dns.Question{Name: name, Qtype: qtype, Qclass: dns.ClassINET}
}

func TestNameRules(t *testing.T) {
	tests := []ruleCase{
		{
			name:   "exact maps the answer back",
			rules:  `rewrite name example.org example.net`,
			req:    newQueryMsg("example.org.", dns.TypeA),
			answer: []dns.RR{test.A("example.net. 300 IN A 192.0.2.1")},
			sent:   q("example.net.", dns.TypeA),
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.A("example.org. 300 IN A 192.0.2.1"),
			}},
		},
		{
			name:  "exact maps owner names and targets in every section",
			rules: `rewrite name exact front.example.org. site.example.net.`,
			req:   newQueryMsg("FRONT.Example.Org.", dns.TypeA),
			answer: []dns.RR{
				test.CNAME("site.example.net. 300 IN CNAME web.example.net."),
				test.A("web.example.net. 300 IN A 192.0.2.1"),
			},
			ns:    []dns.RR{test.NS("example.net. 300 IN NS site.example.net.")},
			extra: []dns.RR{test.A("site.example.net. 300 IN A 192.0.2.2")},
			sent:  q("site.example.net.", dns.TypeA),
			want: test.Case{Authoritative: true,
				Answer: []dns.RR{
					test.CNAME("front.example.org. 300 IN CNAME web.example.net."),
					test.A("web.example.net. 300 IN A 192.0.2.1"),
				},
				Ns:    []dns.RR{test.NS("example.net. 300 IN NS front.example.org.")},
				Extra: []dns.RR{test.A("front.example.org. 300 IN A 192.0.2.2")},
			},
		},
		{
			name:   "exact with a mixed case answer",
			rules:  `rewrite name a.example.org. b.example.org.`,
			req:    newQueryMsg("a.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("B.Example.ORG. 300 IN A 192.0.2.1")},
			sent:   q("b.example.org.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("a.example.org. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "prefix, FROM and TO are domain names",
			rules:  `rewrite name prefix cdn.web. web.`,
			req:    newQueryMsg("cdn.web.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("web.example.org. 300 IN A 192.0.2.1")},
			sent:   q("web.example.org.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("web.example.org. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "prefix with answer auto",
			rules:  `rewrite name prefix cdn.web. web. answer auto`,
			req:    newQueryMsg("cdn.web.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("web.example.org. 300 IN A 192.0.2.1"), test.A("other.example.org. 300 IN A 192.0.2.2")},
			sent:   q("web.example.org.", dns.TypeA),
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.A("cdn.web.example.org. 300 IN A 192.0.2.1"), test.A("other.example.org. 300 IN A 192.0.2.2"),
			}},
		},
		{
			name:   "suffix without answer rewriting",
			rules:  `rewrite name suffix .example.org. .example.net.`,
			req:    newQueryMsg("www.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("www.example.net. 300 IN A 192.0.2.1")},
			sent:   q("www.example.net.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("www.example.net. 300 IN A 192.0.2.1")}},
		},
		{
			name:  "suffix with answer auto maps names and targets back",
			rules: `rewrite name suffix .example.org. .example.net. answer auto`,
			req:   newQueryMsg("Www.Example.Org.", dns.TypeSRV),
			answer: []dns.RR{
				test.CNAME("www.example.net. 300 IN CNAME srv.example.net."),
				test.SRV("srv.example.net. 300 IN SRV 0 0 80 web.example.net."),
				test.SRV("srv.example.net. 300 IN SRV 0 0 81 web.elsewhere."),
				test.MX("srv.example.net. 300 IN MX 10 mail.example.net."),
				test.PTR("srv.example.net. 300 IN PTR ptr.example.net."),
				test.DNAME("srv.example.net. 300 IN DNAME dname.example.net."),
				test.NAPTR(`srv.example.net. 300 IN NAPTR 100 50 "S" "SIP+D2U" "" _sip._udp.example.net.`),
			},
			ns: []dns.RR{
				test.NS("example.net. 300 IN NS ns.example.net."),
				test.SOA("example.net. 300 IN SOA ns.example.net. hostmaster.example.net. 1 2 3 4 5"),
			},
			extra: []dns.RR{test.A("web.example.net. 300 IN A 192.0.2.1")},
			sent:  q("www.example.net.", dns.TypeSRV),
			want: test.Case{Authoritative: true,
				Answer: []dns.RR{
					test.CNAME("www.example.org. 300 IN CNAME srv.example.org."),
					test.SRV("srv.example.org. 300 IN SRV 0 0 80 web.example.org."),
					test.SRV("srv.example.org. 300 IN SRV 0 0 81 web.elsewhere."),
					test.MX("srv.example.org. 300 IN MX 10 mail.example.org."),
					test.PTR("srv.example.org. 300 IN PTR ptr.example.org."),
					test.DNAME("srv.example.org. 300 IN DNAME dname.example.org."),
					test.NAPTR(`srv.example.org. 300 IN NAPTR 100 50 "S" "SIP+D2U" "" _sip._udp.example.org.`),
				},
				// The apex has no leading label, so it does not end in the
				// suffix; the SOA's mailbox is not a name that is mapped.
				Ns: []dns.RR{
					test.NS("example.net. 300 IN NS ns.example.org."),
					test.SOA("example.net. 300 IN SOA ns.example.org. hostmaster.example.net. 1 2 3 4 5"),
				},
				Extra: []dns.RR{test.A("web.example.org. 300 IN A 192.0.2.1")},
			},
		},
		{
			name:   "substring replaces every occurrence",
			rules:  `rewrite name substring .stage. .prod.`,
			req:    newQueryMsg("a.stage.b.stage.example.", dns.TypeA),
			answer: []dns.RR{test.A("a.prod.b.prod.example. 300 IN A 192.0.2.1")},
			sent:   q("a.prod.b.prod.example.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("a.prod.b.prod.example. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "substring FROM is a domain name",
			rules:  `rewrite name substring stage staging`,
			req:    newQueryMsg("stage-shop.example.", dns.TypeA),
			answer: []dns.RR{test.A("stage-shop.example. 300 IN A 192.0.2.1")},
			sent:   q("stage-shop.example.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("stage-shop.example. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "substring with answer auto",
			rules:  `rewrite name substring .archive. .example. answer auto`,
			req:    newQueryMsg("web.archive.test.", dns.TypeA),
			answer: []dns.RR{test.A("web.example.test. 300 IN A 192.0.2.1")},
			sent:   q("web.example.test.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("web.archive.test. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "regex with groups and a TO without final dot",
			rules:  `rewrite name regex (.*)-(us-west-1)\.example\.org {1}.service.{2}.consul`,
			req:    newQueryMsg("ftp-us-west-1.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("ftp.service.us-west-1.consul. 0 IN A 10.10.10.10")},
			sent:   q("ftp.service.us-west-1.consul.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("ftp.service.us-west-1.consul. 0 IN A 10.10.10.10")}},
		},
		{
			name:  "regex with answer auto maps only the rewritten name back",
			rules: `rewrite name regex ^v1-(.+)\.example\.$ {1}.example. answer auto`,
			req:   newQueryMsg("v1-site.example.", dns.TypeA),
			answer: []dns.RR{
				test.CNAME("site.example. 300 IN CNAME web.example."),
				test.A("web.example. 300 IN A 192.0.2.1"),
			},
			ns:   []dns.RR{test.NS("example. 300 IN NS ns.example.")},
			sent: q("site.example.", dns.TypeA),
			want: test.Case{Authoritative: true,
				Answer: []dns.RR{
					test.CNAME("v1-site.example. 300 IN CNAME web.example."),
					test.A("web.example. 300 IN A 192.0.2.1"),
				},
				Ns: []dns.RR{test.NS("example. 300 IN NS ns.example.")},
			},
		},
		{
			name:   "regex with answer name",
			rules:  "rewrite stop {\n name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul\n answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.coredns.rocks\n}",
			req:    newQueryMsg("ftp-us-west-1.coredns.rocks.", dns.TypeA),
			answer: []dns.RR{test.A("ftp.service.us-west-1.consul. 0 IN A 10.10.10.10"), test.A("ftp.service.us-west-1.consul. 0 IN A 10.20.20.20")},
			sent:   q("ftp.service.us-west-1.consul.", dns.TypeA),
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.A("ftp-us-west-1.coredns.rocks. 0 IN A 10.10.10.10"), test.A("ftp-us-west-1.coredns.rocks. 0 IN A 10.20.20.20"),
			}},
		},
		{
			name:   "answer value rewrites record data only",
			rules:  `rewrite name suffix .arpa. .arpa. answer name auto answer value (.*)\.service\.consul\. {1}.coredns.rocks.`,
			req:    newQueryMsg("30.30.30.10.in-addr.arpa.", dns.TypePTR),
			answer: []dns.RR{test.PTR("30.30.30.10.in-addr.arpa. 60 IN PTR ftp-us-west-1.service.consul.")},
			sent:   q("30.30.30.10.in-addr.arpa.", dns.TypePTR),
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.PTR("30.30.30.10.in-addr.arpa. 60 IN PTR ftp-us-west-1.coredns.rocks."),
			}},
		},
		{
			name:   "answer name and value chained without repeating answer",
			rules:  `rewrite name regex (.*)\.a\.example\. {1}.b.example. answer name (.*)\.b\.example\. {1}.a.example. value (.*)\.b\.example\. {1}.a.example.`,
			req:    newQueryMsg("x.a.example.", dns.TypeMX),
			answer: []dns.RR{test.MX("x.b.example. 60 IN MX 10 mx.b.example.")},
			sent:   q("x.b.example.", dns.TypeMX),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.MX("x.a.example. 60 IN MX 10 mx.a.example.")}},
		},
		{
			name:   "exact plus answer value",
			rules:  `rewrite name exact a.example. b.example. answer value (.*)\.b\.example\. {1}.a.example.`,
			req:    newQueryMsg("a.example.", dns.TypeSRV),
			answer: []dns.RR{test.SRV("b.example. 60 IN SRV 0 0 53 ns.b.example.")},
			sent:   q("b.example.", dns.TypeSRV),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.SRV("a.example. 60 IN SRV 0 0 53 ns.a.example.")}},
		},
		{
			name: "continue applies the next rules, answers are mapped back in reverse",
			rules: "rewrite continue name suffix .example.org. .example.net. answer auto\n" +
				"rewrite name exact www.example.net. web.example.com.",
			req:    newQueryMsg("www.example.org.", dns.TypeA),
			answer: []dns.RR{test.CNAME("web.example.com. 300 IN CNAME host.example.net."), test.A("host.example.net. 300 IN A 192.0.2.1")},
			sent:   q("web.example.com.", dns.TypeA),
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.CNAME("www.example.org. 300 IN CNAME host.example.org."), test.A("host.example.org. 300 IN A 192.0.2.1"),
			}},
		},
		{
			name: "stop ends the rules",
			rules: "rewrite name suffix .example.org. .example.net.\n" +
				"rewrite name exact www.example.net. web.example.com.",
			req:    newQueryMsg("www.example.org.", dns.TypeA),
			answer: []dns.RR{test.A("www.example.net. 300 IN A 192.0.2.1")},
			sent:   q("www.example.net.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("www.example.net. 300 IN A 192.0.2.1")}},
		},
		{
			name: "a rule that does not match does not stop",
			rules: "rewrite name exact other.example. x.example.\n" +
				"rewrite name exact www.example. web.example.",
			req:    newQueryMsg("www.example.", dns.TypeA),
			answer: []dns.RR{test.A("web.example. 300 IN A 192.0.2.1")},
			sent:   q("web.example.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("www.example. 300 IN A 192.0.2.1")}},
		},
		{
			name:   "no rule matches",
			rules:  `rewrite name suffix .example.org. .example.net. answer auto`,
			req:    newQueryMsg("www.example.com.", dns.TypeA),
			answer: []dns.RR{test.A("www.example.com. 300 IN A 192.0.2.1")},
			sent:   q("www.example.com.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("www.example.com. 300 IN A 192.0.2.1")}},
		},
	}
	runRuleCases(t, tests)
}

func TestNameRuleInvalidName(t *testing.T) {
	for _, rules := range []string{
		`rewrite name suffix .example.org. .` + strings.Repeat("a", 64) + `.`,
		`rewrite name regex (.*) {1}..`,
		`rewrite name prefix www. ` + strings.Repeat("b.", 130),
	} {
		b := answering(nil, nil, nil)
		rw := newRewrite(t, rules, b)
		reply, rcode, err := serve(t, rw, newQueryMsg("www.example.org.", dns.TypeA), nil)
		if rcode != dns.RcodeServerFailure || err == nil || !strings.Contains(err.Error(), "invalid name after rewrite") {
			t.Errorf("%q: got rcode %d, error %v; want SERVFAIL and an invalid name error", rules, rcode, err)
		}
		if reply != nil || b.calls != 0 {
			t.Errorf("%q: expected nothing written and the backend not called", rules)
		}
	}
}

// TestNoMatchPassesThrough checks that a query no rule touches reaches the
// next plugin as it is, with the client's own writer.
func TestNoMatchPassesThrough(t *testing.T) {
	req := newQueryMsg("www.example.com.", dns.TypeA)
	var gotReq *dns.Msg
	var gotW dns.ResponseWriter
	b := answering(nil, nil, nil)
	b.writer = func(w dns.ResponseWriter, m *dns.Msg) { gotW = w; w.WriteMsg(m) }
	rw := newRewrite(t, "rewrite name exact a.example. b.example.\nrewrite ttl suffix .example.org. 5\nrewrite type MX A", b)
	rw.Next = &captureHandler{next: b, got: &gotReq}
	w := &test.ResponseWriter{}
	serve(t, rw, req, w)
	if gotReq != req {
		t.Error("the next plugin did not get the client's request")
	}
	if _, ok := gotW.(*reverter); ok {
		t.Error("the next plugin got a wrapped writer")
	}
}
