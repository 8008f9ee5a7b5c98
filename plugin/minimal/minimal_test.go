package minimal

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// reply returns a handler that writes a reply with the given sections, as the
// file plugin would for the golden river.test zone.
func reply(rcode int, aa bool, answer, ns, extra []dns.RR) plugin.Handler {
	return test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		m.Authoritative = aa
		m.Answer, m.Ns, m.Extra = answer, ns, extra
		if o := r.IsEdns0(); o != nil {
			m.Extra = append(m.Extra, test.OPT(int(o.UDPSize()), o.Do()))
		}
		w.WriteMsg(m) //nolint:errcheck // test
		return rcode, nil
	})
}

var (
	apexNS = []dns.RR{
		test.NS("river.test. 500 IN NS ns1.river.test."),
		test.NS("river.test. 500 IN NS ns2.river.test."),
	}
	glue = []dns.RR{
		test.A("ns1.river.test. 500 IN A 10.99.16.1"),
		test.A("ns2.river.test. 500 IN A 10.99.16.2"),
	}
	soa = []dns.RR{test.SOA("river.test. 500 IN SOA ns1.river.test. ranger.river.test. 4 3600 600 86400 50")}
)

func TestMinimal(t *testing.T) {
	tests := []struct {
		name string
		next plugin.Handler
		tc   test.Case
	}{
		{
			name: "positive answer loses NS",
			next: reply(dns.RcodeSuccess, true, []dns.RR{test.A("bank.river.test. 500 IN A 10.99.16.30")}, apexNS, nil),
			tc: test.Case{Qname: "bank.river.test.", Qtype: dns.TypeA, Authoritative: true,
				Answer: []dns.RR{test.A("bank.river.test. 500 IN A 10.99.16.30")}},
		},
		{
			name: "CNAME chain keeps the answer",
			next: reply(dns.RcodeSuccess, true, []dns.RR{
				test.CNAME("ford.river.test. 500 IN CNAME bank.river.test."),
				test.A("bank.river.test. 500 IN A 10.99.16.30"),
			}, apexNS, nil),
			tc: test.Case{Qname: "ford.river.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
				test.CNAME("ford.river.test. 500 IN CNAME bank.river.test."),
				test.A("bank.river.test. 500 IN A 10.99.16.30"),
			}},
		},
		{
			name: "MX loses NS and additional",
			next: reply(dns.RcodeSuccess, true, []dns.RR{test.MX("river.test. 500 IN MX 10 mail.river.test.")},
				apexNS, []dns.RR{test.A("mail.river.test. 500 IN A 10.99.16.25")}),
			tc: test.Case{Qname: "river.test.", Qtype: dns.TypeMX, Authoritative: true,
				Answer: []dns.RR{test.MX("river.test. 500 IN MX 10 mail.river.test.")}},
		},
		{
			name: "NS answer loses glue",
			next: reply(dns.RcodeSuccess, true, apexNS, nil, glue),
			tc:   test.Case{Qname: "river.test.", Qtype: dns.TypeNS, Authoritative: true, Answer: apexNS},
		},
		{
			name: "positive answer keeps OPT",
			next: reply(dns.RcodeSuccess, true, []dns.RR{test.A("bank.river.test. 500 IN A 10.99.16.30")}, apexNS, glue),
			tc: test.Case{Qname: "bank.river.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
				Answer: []dns.RR{test.A("bank.river.test. 500 IN A 10.99.16.30")},
				Extra:  []dns.RR{test.OPT(4096, true)}},
		},
		{
			name: "NODATA keeps SOA",
			next: reply(dns.RcodeSuccess, true, nil, soa, nil),
			tc:   test.Case{Qname: "bank.river.test.", Qtype: dns.TypeAAAA, Authoritative: true, Ns: soa},
		},
		{
			name: "NXDOMAIN keeps SOA",
			next: reply(dns.RcodeNameError, true, nil, soa, nil),
			tc:   test.Case{Qname: "departed.river.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
		},
		{
			name: "delegation keeps NS and glue",
			next: reply(dns.RcodeSuccess, false, nil,
				[]dns.RR{test.NS("delta.river.test. 500 IN NS ns.delta.river.test.")},
				[]dns.RR{test.A("ns.delta.river.test. 500 IN A 10.99.17.1")}),
			tc: test.Case{Qname: "x.delta.river.test.", Qtype: dns.TypeA,
				Ns:    []dns.RR{test.NS("delta.river.test. 500 IN NS ns.delta.river.test.")},
				Extra: []dns.RR{test.A("ns.delta.river.test. 500 IN A 10.99.17.1")}},
		},
		{
			name: "expired signature for a DO client is left alone",
			next: reply(dns.RcodeSuccess, true, []dns.RR{
				test.A("bank.river.test. 500 IN A 10.99.16.30"),
				test.RRSIG("bank.river.test. 500 IN RRSIG A 8 3 500 20000102030405 20000101030405 12345 river.test. c2ln"),
			}, apexNS, nil),
			tc: test.Case{Qname: "bank.river.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
				Answer: []dns.RR{
					test.A("bank.river.test. 500 IN A 10.99.16.30"),
					test.RRSIG("bank.river.test. 500 IN RRSIG A 8 3 500 20000102030405 20000101030405 12345 river.test. c2ln"),
				},
				Ns:    apexNS,
				Extra: []dns.RR{test.OPT(4096, true)}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Record what the next plugin writes, to check minimal leaves it alone.
			var written *dns.Msg
			next := test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
				rec := dnstest.NewRecorder(w)
				rc, err := tc.next.ServeDNS(ctx, rec, r)
				written = rec.Msg
				return rc, err
			})
			written = nil
			m := Minimal{Next: next}
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if _, err := m.ServeDNS(context.Background(), rec, tc.tc.Msg()); err != nil {
				t.Fatal(err)
			}
			if err := test.SortAndCheck(rec.Msg, tc.tc); err != nil {
				t.Error(err)
			}
			if rec.Msg.Authoritative != tc.tc.Authoritative {
				t.Errorf("AA = %v, want %v", rec.Msg.Authoritative, tc.tc.Authoritative)
			}
			if rec.Msg.Id != written.Id || len(rec.Msg.Question) != 1 {
				t.Errorf("header or question changed: %v", rec.Msg)
			}
			// The message the next plugin built must keep its sections.
			before := dnstest.NewRecorder(&test.ResponseWriter{})
			tc.next.ServeDNS(context.Background(), before, tc.tc.Msg()) //nolint:errcheck // test
			if len(written.Ns) != len(before.Msg.Ns) || len(written.Extra) != len(before.Msg.Extra) {
				t.Errorf("the next plugin's message was changed: ns %d->%d, extra %d->%d",
					len(before.Msg.Ns), len(written.Ns), len(before.Msg.Extra), len(written.Extra))
			}
		})
	}
}

func TestMinimalNoNext(t *testing.T) {
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	rcode, err := Minimal{}.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL and an error", rcode, err)
	}
}
