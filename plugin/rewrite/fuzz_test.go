package rewrite

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fuzz"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzParse feeds arbitrary rule lines to the parser: it may refuse them,
// it must not panic, and a rule it accepts must survive a query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"name example.org example.net",
		"continue name regex (.*)\\.a\\. {1}.b. answer name (.*)\\.b\\. {1}.a. value (.*) {1}",
		"stop name suffix .a. .b. answer auto",
		"name prefix a b answer name auto answer value x y",
		"type ANY HINFO",
		"class CH IN",
		"edns0 local set 0xffee {client_ip} revert",
		"edns0 local set 0xffee 0x6162",
		"edns0 subnet set 24 56",
		"edns0 nsid unset",
		"ttl regex (.*)\\.example 10-20",
		"ttl example.org. -30",
		"rcode suffix .a. NXDOMAIN 0",
		"cname regex (.*).cdn. {1}.other.",
		"name regex ({1}) {2}{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		rule, err := newRule(args...)
		if err != nil {
			return
		}
		rw := Rewrite{Next: answering([]dns.RR{test.A("x.example. 60 IN A 192.0.2.1")}, nil, nil), Rules: []Rule{rule}}
		req := newQueryMsg("Www.Example.Org.", dns.TypeA, &dns.EDNS0_LOCAL{Code: 0xffee, Data: []byte("x")})
		rw.ServeDNS(context.Background(), &test.ResponseWriter{}, req) //nolint:errcheck // only crashes matter

		// The Corefile parser must accept what newRule accepted.
		if _, err := rewriteParse(caddy.NewTestController("dns", "rewrite "+strings.Join(args, " "))); err != nil && !strings.ContainsAny(line, "{}\"'`#\\") {
			t.Errorf("%q: newRule accepted it, the Corefile parser did not: %v", line, err)
		}
	})
}

// fuzzRules has a rule of every kind but cname (whose look-ups need a
// server), all with continue so each one gets its chance.
const fuzzRules = `rewrite continue name suffix .example.org. .example.net. answer auto
rewrite continue name regex ^(.*)\.example\.net\.$ {1}.x.example. answer name (.*)\.x\.example\. {1}.example.org. value (.*)\.x\.example\. {1}.example.org.
rewrite continue name prefix www. web. answer auto
rewrite continue name substring a b answer auto
rewrite continue type ANY HINFO
rewrite continue class CH IN
rewrite continue edns0 local set 0xffee {qname} revert
rewrite continue edns0 subnet set 24 56
rewrite continue edns0 nsid replace revert
rewrite continue edns0 local unset 0xfffe
rewrite continue ttl regex . 10-20
rewrite rcode regex . NXDOMAIN NOERROR`

// FuzzRewrite sends arbitrary messages through rules of every kind in front
// of a backend that echoes names and options: nothing may panic, the
// client's message must not change and the reply must carry its question.
func FuzzRewrite(f *testing.F) {
	for _, m := range []*dns.Msg{
		newQueryMsg("www.example.org.", dns.TypeA),
		newQueryMsg("A.Example.Org.", dns.TypeANY, &dns.EDNS0_LOCAL{Code: 0xfffe, Data: []byte{1}}, &dns.EDNS0_NSID{Code: dns.EDNS0NSID}),
		newQueryMsg("x.example.net.", dns.TypeSRV),
		newQueryMsg(".", dns.TypeNS),
	} {
		wire, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // no question
	rules, err := rewriteParse(caddy.NewTestController("dns", fuzzRules))
	if err != nil {
		f.Fatal(err)
	}
	next := &echoBackend{}
	rw := Rewrite{Next: next, Rules: rules}
	f.Fuzz(func(t *testing.T, data []byte) {
		if fuzz.Do(rw, data) == 0 {
			return
		}
		req := new(dns.Msg)
		if req.Unpack(data) != nil {
			return
		}
		before := req.String()
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rw.ServeDNS(context.Background(), rec, req) //nolint:errcheck // only crashes matter
		if req.String() != before {
			t.Fatalf("the client's message changed:\n%s\n%s", before, req)
		}
		if rec.Msg == nil || len(req.Question) == 0 {
			return
		}
		if len(rec.Msg.Question) == 0 || rec.Msg.Question[0] != req.Question[0] {
			t.Fatalf("reply question %v, want %v", rec.Msg.Question, req.Question[0])
		}
		if req.IsEdns0() == nil && rec.Msg.IsEdns0() != nil {
			t.Fatal("reply to a query without EDNS0 has an OPT record")
		}
	})
}

// echoBackend answers with a CNAME from the query name, an SRV pointing
// at the name and the query's OPT record.
type echoBackend struct{}

func (echoBackend) Name() string { return "echo" }

func (echoBackend) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) == 0 {
		return dns.RcodeFormatError, nil
	}
	name := r.Question[0].Name
	m := new(dns.Msg)
	m.SetReply(r)
	m.Rcode = dns.RcodeNameError
	m.Answer = []dns.RR{
		&dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 5}, Target: name},
		&dns.SRV{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 50}, Target: name},
	}
	m.Ns = []dns.RR{&dns.NS{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 500}, Ns: name}}
	if o := r.IsEdns0(); o != nil {
		m.Extra = append(m.Extra, o)
	}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}
