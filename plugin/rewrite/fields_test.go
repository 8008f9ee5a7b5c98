package rewrite

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestTypeAndClassRules(t *testing.T) {
	chaos := newQueryMsg("host.example.", dns.TypeTXT)
	chaos.Question[0].Qclass = dns.ClassCHAOS
	tests := []ruleCase{
		{
			name:   "type, the answer keeps the records the backend gave",
			rules:  `rewrite type SPF TXT`,
			req:    newQueryMsg("host.example.", dns.TypeSPF),
			answer: []dns.RR{test.TXT(`host.example. 600 IN TXT "host text"`)},
			sent:   q("host.example.", dns.TypeTXT),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.TXT(`host.example. 600 IN TXT "host text"`)}},
		},
		{
			name:   "type does not match",
			rules:  `rewrite type SPF TXT`,
			req:    newQueryMsg("host.example.", dns.TypeA),
			answer: []dns.RR{test.A("host.example. 600 IN A 192.0.2.1")},
			sent:   q("host.example.", dns.TypeA),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.A("host.example. 600 IN A 192.0.2.1")}},
		},
		{
			name:   "class",
			rules:  `rewrite class CH IN`,
			req:    chaos,
			answer: []dns.RR{test.TXT(`host.example. 600 IN TXT "in"`)},
			sent:   q("host.example.", dns.TypeTXT),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.TXT(`host.example. 600 IN TXT "in"`)}},
		},
		{
			name:   "type then name with continue",
			rules:  "rewrite continue type ANY HINFO\nrewrite name exact host.example. other.example.",
			req:    newQueryMsg("host.example.", dns.TypeANY),
			answer: []dns.RR{test.HINFO(`other.example. 600 IN HINFO "cpu" "os"`)},
			sent:   q("other.example.", dns.TypeHINFO),
			want:   test.Case{Authoritative: true, Answer: []dns.RR{test.HINFO(`host.example. 600 IN HINFO "cpu" "os"`)}},
		},
	}
	runRuleCases(t, tests)
}

func TestTTLRules(t *testing.T) {
	records := func(ttl uint32) ([]dns.RR, []dns.RR, []dns.RR) {
		a := test.A("www.example.org. 300 IN A 192.0.2.1")
		a.Hdr.Ttl = ttl
		ns := test.NS("example.org. 300 IN NS ns.example.org.")
		ns.Hdr.Ttl = ttl
		glue := test.A("ns.example.org. 300 IN A 192.0.2.53")
		glue.Hdr.Ttl = ttl
		return []dns.RR{a}, []dns.RR{ns}, []dns.RR{glue}
	}
	tests := []struct {
		name  string
		rules string
		qname string
		in    uint32
		want  uint32
	}{
		{"fixed", `rewrite ttl www.example.org. 15`, "www.example.org.", 300, 15},
		{"fixed with match type", `rewrite ttl exact www.example.org. 15`, "WWW.example.org.", 300, 15},
		{"range, below", `rewrite ttl prefix www. 30-300`, "www.example.org.", 5, 30},
		{"range, above", `rewrite ttl suffix .example.org. 30-300`, "www.example.org.", 9000, 300},
		{"range, inside", `rewrite ttl substring example 30-300`, "www.example.org.", 100, 100},
		{"at most", `rewrite ttl regex ^www\. -30`, "www.example.org.", 100, 30},
		{"at most, below", `rewrite ttl regex ^www\. -30`, "www.example.org.", 10, 10},
		{"at least", `rewrite ttl www.example.org. 30-`, "www.example.org.", 10, 30},
		{"at least, above", `rewrite ttl www.example.org. 30-`, "www.example.org.", 86400, 86400},
		{"at least, above 2^31-1", `rewrite ttl www.example.org. 30-`, "www.example.org.", 1 << 31, 1<<31 - 1},
		{"zero", `rewrite ttl www.example.org. 0`, "www.example.org.", 86400, 0},
		{"name does not match", `rewrite ttl other.example.org. 15`, "www.example.org.", 300, 300},
		{"after a name rewrite", "rewrite continue name www.example.org. web.example.org.\nrewrite ttl web.example.org. 15", "www.example.org.", 300, 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			an, ns, ex := records(tc.in)
			b := answering(an, ns, ex)
			b.echoOPT = true
			rw := newRewrite(t, tc.rules, b)
			req := newQueryMsg(tc.qname, dns.TypeA, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"})
			reply, _, err := serve(t, rw, req, nil)
			if err != nil {
				t.Fatal(err)
			}
			wantAn, wantNs, wantEx := records(tc.want)
			if reply.Answer[0].Header().Name != "www.example.org." {
				wantAn[0].Header().Name = reply.Answer[0].Header().Name
			}
			checkReply(t, reply, test.Case{Authoritative: true, Answer: wantAn, Ns: wantNs, Extra: append(wantEx, reply.IsEdns0())})
			if o := reply.IsEdns0(); o == nil || o.Hdr.Ttl != 0 {
				t.Errorf("the OPT record was changed: %v", o)
			}
			// The backend's records are shared; they must not change.
			if an[0].Header().Ttl != tc.in || ns[0].Header().Ttl != tc.in || ex[0].Header().Ttl != tc.in {
				t.Error("the backend's records were modified")
			}
		})
	}
}

func TestRcodeRules(t *testing.T) {
	soa := test.SOA("example.org. 300 IN SOA ns.example.org. hostmaster.example.org. 1 2 3 4 5")
	tests := []struct {
		name  string
		rules string
		qname string
		in    int
		write bool
		want  int
	}{
		{"by name", `rewrite rcode absent.example.org. NXDOMAIN NOERROR`, "absent.example.org.", dns.RcodeNameError, true, dns.RcodeSuccess},
		{"by number", `rewrite rcode suffix .example.org. 3 5`, "gone.example.org.", dns.RcodeNameError, true, dns.RcodeRefused},
		{"lower case names", `rewrite rcode regex ^gone servfail noerror`, "gone.example.org.", dns.RcodeServerFailure, true, dns.RcodeSuccess},
		{"other rcode", `rewrite rcode absent.example.org. NXDOMAIN NOERROR`, "absent.example.org.", dns.RcodeSuccess, true, dns.RcodeSuccess},
		{"other name", `rewrite rcode absent.example.org. NXDOMAIN NOERROR`, "present.example.org.", dns.RcodeNameError, true, dns.RcodeNameError},
		{"nothing written by the backend", `rewrite rcode prefix gone. SERVFAIL NOERROR`, "gone.example.org.", dns.RcodeServerFailure, false, dns.RcodeSuccess},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := answering(nil, []dns.RR{soa}, nil)
			b.rcode, b.write = tc.in, tc.write
			rw := newRewrite(t, tc.rules, b)
			req := newQueryMsg(tc.qname, dns.TypeA)
			reply, rcode, err := serve(t, rw, req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.write {
				// rewrite wrote the reply itself, so the server must not.
				if rcode != dns.RcodeSuccess {
					t.Errorf("ServeDNS returned %d, want 0", rcode)
				}
				checkQuestion(t, tc.name, req, reply)
				checkReply(t, reply, test.Case{Rcode: tc.want})
				return
			}
			checkQuestion(t, tc.name, req, reply)
			checkReply(t, reply, test.Case{Rcode: tc.want, Authoritative: true, Ns: []dns.RR{soa}})
		})
	}
}

// TestNextWritesNothing checks the reply rewrite writes when the rest of
// the chain fails without writing: the client's question, the rcode.
func TestNextWritesNothing(t *testing.T) {
	for _, rcode := range []int{dns.RcodeServerFailure, dns.RcodeRefused, dns.RcodeFormatError, dns.RcodeNotImplemented} {
		b := &backend{rcode: rcode}
		rw := newRewrite(t, `rewrite name suffix .example.org. .example.net. answer auto`, b)
		req := newQueryMsg("Www.Example.Org.", dns.TypeA, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"})
		reply, got, err := serve(t, rw, req, nil)
		if err != nil || got != dns.RcodeSuccess {
			t.Errorf("rcode %d: ServeDNS returned %d, %v; want 0, nil", rcode, got, err)
		}
		checkQuestion(t, "rcode", req, reply)
		if reply.Rcode != rcode || !reply.Response || len(reply.Answer)+len(reply.Ns) != 0 {
			t.Errorf("rcode %d: unexpected reply %v", rcode, reply)
		}
	}
	// A plugin that returns success without writing: nothing is added.
	b := &backend{rcode: dns.RcodeSuccess}
	rw := newRewrite(t, `rewrite name suffix .example.org. .example.net.`, b)
	reply, got, _ := serve(t, rw, newQueryMsg("www.example.org.", dns.TypeA), nil)
	if reply != nil || got != dns.RcodeSuccess {
		t.Errorf("expected nothing written, got %v (%d)", reply, got)
	}
}
