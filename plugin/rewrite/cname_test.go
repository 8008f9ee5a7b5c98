package rewrite

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// cnameServer returns a server for the zone in testdata/cname with rules
// in front of it; the rewritten targets are looked up through it.
func cnameServer(t *testing.T, rules string) (*dnsserver.Server, *zoneHandler) {
	t.Helper()
	parsed, err := rewriteParse(caddy.NewTestController("dns", rules))
	if err != nil {
		t.Fatal(err)
	}
	zone := loadZone(t, "testdata/cname/db.test", "test.")
	cfg := &dnsserver.Config{Zone: "test.", Plugin: []plugin.Plugin{
		func(next plugin.Handler) plugin.Handler { return Rewrite{Next: next, Rules: parsed} },
		func(plugin.Handler) plugin.Handler { return zone },
	}}
	s, err := dnsserver.NewServer("dns://:0", []*dnsserver.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	return s, zone
}

func TestCNAMERules(t *testing.T) {
	ns := []dns.RR{test.NS("test. 300 IN NS ns.test.")}
	tests := []struct {
		name   string
		rules  string
		qname  string
		answer []dns.RR
		rcode  int
	}{
		{
			name:  "regex",
			rules: `rewrite cname regex (.*).cdn.example.test. {1}.other.cdn.test.`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.other.cdn.test."),
				test.A("my-app.other.cdn.test. 100 IN A 30.3.1.2"),
			},
		},
		{
			name:  "exact",
			rules: `rewrite cname exact my-app.cdn.example.test. my-app.other.cdn.test.`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.other.cdn.test."),
				test.A("my-app.other.cdn.test. 100 IN A 30.3.1.2"),
			},
		},
		{
			name:  "default is exact, names are case insensitive",
			rules: `rewrite cname My-App.CDN.example.test my-app.other.cdn.test`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.other.cdn.test."),
				test.A("my-app.other.cdn.test. 100 IN A 30.3.1.2"),
			},
		},
		{
			name:  "prefix",
			rules: `rewrite cname prefix my-app.cdn. my-app.other.`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.other.example.test."),
				test.A("my-app.other.example.test. 300 IN A 30.3.1.3"),
			},
		},
		{
			name:  "substring",
			rules: `rewrite cname substring .cdn.example. .other.cdn.`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.other.cdn.test."),
				test.A("my-app.other.cdn.test. 100 IN A 30.3.1.2"),
			},
		},
		{
			name:  "suffix in the middle of a chain",
			rules: `rewrite cname suffix .prod.test. .staging.test.`,
			qname: "chain.test.",
			answer: []dns.RR{
				test.CNAME("chain.test. 300 IN CNAME intermediate-1.test."),
				test.CNAME("intermediate-1.test. 300 IN CNAME intermediate-2.staging.test."),
				test.CNAME("intermediate-2.staging.test. 300 IN CNAME final.staging.test."),
				test.A("final.staging.test. 300 IN A 5.6.7.8"),
			},
		},
		{
			name:   "the new target does not exist",
			rules:  `rewrite cname suffix .prod.test. .staging.test.`,
			qname:  "dangling.test.",
			answer: []dns.RR{test.CNAME("dangling.test. 300 IN CNAME gone.staging.test.")},
		},
		{
			name:  "no CNAME target matches",
			rules: `rewrite cname exact elsewhere.test. other.test.`,
			qname: "my-app.test.",
			answer: []dns.RR{
				test.CNAME("my-app.test. 200 IN CNAME my-app.cdn.example.test."),
				test.A("my-app.cdn.example.test. 300 IN A 20.2.0.1"),
				test.A("my-app.cdn.example.test. 300 IN A 20.2.0.2"),
			},
		},
		{
			name:   "no CNAME in the answer",
			rules:  `rewrite cname regex (.*) {1}other.`,
			qname:  "final.prod.test.",
			answer: []dns.RR{test.A("final.prod.test. 300 IN A 1.2.3.4")},
		},
		{
			name: "after a name rewrite, with TTLs capped",
			rules: "rewrite continue name exact app.test. my-app.test.\n" +
				"rewrite continue cname suffix .cdn.example.test. .other.cdn.test.\n" +
				"rewrite ttl suffix .test. -50",
			qname: "app.test.",
			answer: []dns.RR{
				test.CNAME("app.test. 50 IN CNAME my-app.other.cdn.test."),
				test.A("my-app.other.cdn.test. 50 IN A 30.3.1.2"),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, zone := cnameServer(t, tc.rules)
			before := zoneText(zone)
			req := newQueryMsg(tc.qname, dns.TypeA)
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			s.ServeDNS(context.Background(), rec, req)
			checkQuestion(t, tc.name, req, rec.Msg)
			wantNs := ns
			if tc.name == "after a name rewrite, with TTLs capped" {
				wantNs = []dns.RR{test.NS("test. 50 IN NS ns.test.")}
			}
			// Before checkReply, which sorts the sections.
			if err := test.CNAMEOrder(rec.Msg); err != nil {
				t.Error(err)
			}
			checkReply(t, rec.Msg, test.Case{Rcode: tc.rcode, Authoritative: true, Answer: tc.answer, Ns: wantNs})
			if zoneText(zone) != before {
				t.Error("zone data was modified")
			}
		})
	}
}

// TestCNAMENoServer checks the rewrite of the target when the new target
// cannot be looked up: the CNAME is rewritten, nothing follows it.
func TestCNAMENoServer(t *testing.T) {
	b := answering([]dns.RR{
		test.CNAME("a.example. 60 IN CNAME b.old.example."),
		test.A("b.old.example. 60 IN A 192.0.2.1"),
	}, nil, nil)
	rw := newRewrite(t, `rewrite cname suffix .old.example. .new.example.`, b)
	req := newQueryMsg("a.example.", dns.TypeA)
	reply, _, err := serve(t, rw, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkQuestion(t, "no server", req, reply)
	checkReply(t, reply, test.Case{Authoritative: true, Answer: []dns.RR{test.CNAME("a.example. 60 IN CNAME b.new.example.")}})
}

// TestCNAMEInvalidTarget leaves a reply alone when the new target would
// not be a domain name.
func TestCNAMEInvalidTarget(t *testing.T) {
	answer := []dns.RR{test.CNAME("a.example. 60 IN CNAME b.old.example.")}
	b := answering(answer, nil, nil)
	rw := newRewrite(t, `rewrite cname regex (.*)\.old\.example\. {1}..`, b)
	reply, _, _ := serve(t, rw, newQueryMsg("a.example.", dns.TypeA), nil)
	checkReply(t, reply, test.Case{Authoritative: true, Answer: answer})
}
