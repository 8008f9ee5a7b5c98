package dns64

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	dto "github.com/prometheus/client_model/go"

	"github.com/miekg/dns"
)

// zone answers like an authoritative server for example.org with the
// records below; it is both the next plugin and the upstream.
var zone = map[string][]dns.RR{
	"v4.example.org.": {
		test.A("v4.example.org. 400 IN A 192.0.2.4"),
		test.A("v4.example.org. 400 IN A 192.0.2.5"),
	},
	"both.example.org.": {
		test.A("both.example.org. 400 IN A 192.0.2.6"),
		test.AAAA("both.example.org. 400 IN AAAA 2001:db8::6"),
	},
	"v6.example.org.":    {test.AAAA("v6.example.org. 400 IN AAAA 2001:db8::7")},
	"short.example.org.": {test.A("short.example.org. 30 IN A 192.0.2.8")},
	"txt.example.org.":   {test.TXT("txt.example.org. 400 IN TXT hello")},
	"hop.example.org.":   {test.CNAME("hop.example.org. 400 IN CNAME v4.example.org.")},
	"flaky.example.org.": {test.A("flaky.example.org. 400 IN A 192.0.2.9")},
}

var (
	soa     = test.SOA("example.org. 300 IN SOA ns.example.org. admin.example.org. 1 3600 600 86400 70")
	nsRR    = test.NS("example.org. 400 IN NS ns.example.org.")
	nsGlue  = test.A("ns.example.org. 400 IN A 192.0.2.53")
	failing = "servfail.example.org."
	// flaky fails AAAA queries but answers A queries.
	flaky = "flaky.example.org."
)

func answer(r *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	if len(r.Question) == 0 {
		m.Rcode = dns.RcodeFormatError
		return m
	}
	q := r.Question[0]
	if q.Name == failing || (q.Name == flaky && q.Qtype == dns.TypeAAAA) {
		m.Rcode = dns.RcodeServerFailure
		m.Authoritative = false
		return m
	}
	if q.Name == "sub.example.org." {
		m.Authoritative = false
		m.Ns = []dns.RR{test.NS("sub.example.org. 400 IN NS ns.sub.example.org.")}
		return m
	}
	rrs, ok := zone[q.Name]
	if !ok {
		m.Rcode = dns.RcodeNameError
		m.Ns = []dns.RR{soa}
		return m
	}
	for _, rr := range rrs {
		switch {
		case rr.Header().Rrtype == q.Qtype:
			m.Answer = append(m.Answer, rr)
		case rr.Header().Rrtype == dns.TypeCNAME:
			m.Answer = append(m.Answer, rr)
			for _, t := range zone[rr.(*dns.CNAME).Target] {
				if t.Header().Rrtype == q.Qtype {
					m.Answer = append(m.Answer, t)
				}
			}
		}
	}
	if len(m.Answer) == 0 {
		m.Ns = []dns.RR{soa}
	} else {
		m.Ns = []dns.RR{nsRR}
		m.Extra = []dns.RR{nsGlue}
	}
	return m
}

var next = test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	w.WriteMsg(answer(r))
	return dns.RcodeSuccess, nil
})

// fakeUpstream answers lookups from the zone and counts them.
type fakeUpstream struct {
	lookups int
	err     error
}

func (u *fakeUpstream) Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	u.lookups++
	if u.err != nil {
		return nil, u.err
	}
	req := state.NewWithQuestion(name, typ)
	return answer(req.Req), nil
}

func TestServeDNS(t *testing.T) {
	const v6client, v4client = "2001:db8:1::1", "192.0.2.100"
	tests := []struct {
		name      string
		d         DNS64
		client    string
		tc        test.Case
		aa        bool // the answer of the next plugin is passed on unchanged
		translate bool // an A lookup is made
	}{
		{
			name: "A only", client: v6client, translate: true,
			tc: test.Case{Qname: "v4.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{
					test.AAAA("v4.example.org. 300 IN AAAA 64:ff9b::c000:204"),
					test.AAAA("v4.example.org. 300 IN AAAA 64:ff9b::c000:205"),
				},
				Ns: []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "TTL below the SOA's", client: v6client, translate: true,
			tc: test.Case{Qname: "short.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{test.AAAA("short.example.org. 30 IN AAAA 64:ff9b::c000:208")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "custom prefix", client: v6client, translate: true,
			d: DNS64{Prefix: netip.MustParsePrefix("2001:db8:99:64::/96")},
			tc: test.Case{Qname: "short.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{test.AAAA("short.example.org. 30 IN AAAA 2001:db8:99:64::c000:208")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "CNAME kept", client: v6client, translate: true,
			tc: test.Case{Qname: "hop.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{
					test.CNAME("hop.example.org. 400 IN CNAME v4.example.org."),
					test.AAAA("v4.example.org. 400 IN AAAA 64:ff9b::c000:204"),
					test.AAAA("v4.example.org. 400 IN AAAA 64:ff9b::c000:205"),
				},
				Ns: []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "no addresses at all", client: v6client, translate: true,
			tc: test.Case{Qname: "txt.example.org.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soa}},
		},
		{
			name: "AAAA present", client: v6client, aa: true,
			tc: test.Case{Qname: "both.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{test.AAAA("both.example.org. 400 IN AAAA 2001:db8::6")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "AAAA present, translate_all", client: v6client, translate: true,
			d: DNS64{TranslateAll: true},
			tc: test.Case{Qname: "both.example.org.", Qtype: dns.TypeAAAA,
				// No SOA in the AAAA answer: the TTL is capped at 600.
				Answer: []dns.RR{test.AAAA("both.example.org. 400 IN AAAA 64:ff9b::c000:206")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "only AAAA, translate_all", client: v6client, translate: true,
			d:  DNS64{TranslateAll: true},
			tc: test.Case{Qname: "v6.example.org.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soa}},
		},
		{
			name: "name error passed on", client: v6client, aa: true,
			tc: test.Case{Qname: "void.example.org.", Qtype: dns.TypeAAAA, Rcode: dns.RcodeNameError, Ns: []dns.RR{soa}},
		},
		{
			// RFC 6147 5.1.3: an error is taken as an empty answer.
			name: "server failure translated", client: v6client, translate: true,
			tc: test.Case{Qname: flaky, Qtype: dns.TypeAAAA,
				Answer: []dns.RR{test.AAAA("flaky.example.org. 400 IN AAAA 64:ff9b::c000:209")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			// The A lookup fails too: its error goes to the client.
			name: "server failure on both", client: v6client, translate: true,
			tc: test.Case{Qname: failing, Qtype: dns.TypeAAAA, Rcode: dns.RcodeServerFailure},
		},
		{
			// A referral is no name error: the A lookup, a referral as
			// well, makes the answer.
			name: "referral", client: v6client, translate: true,
			tc: test.Case{Qname: "sub.example.org.", Qtype: dns.TypeAAAA,
				Ns: []dns.RR{test.NS("sub.example.org. 400 IN NS ns.sub.example.org.")}},
		},
		{
			name: "A query passed on", client: v6client, aa: true,
			tc: test.Case{Qname: "v4.example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{
					test.A("v4.example.org. 400 IN A 192.0.2.4"),
					test.A("v4.example.org. 400 IN A 192.0.2.5"),
				},
				Ns: []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
		{
			name: "IPv4 client not translated", client: v4client, aa: true,
			tc: test.Case{Qname: "v4.example.org.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soa}},
		},
		{
			name: "IPv4 client with allow_ipv4", client: v4client, translate: true,
			d: DNS64{AllowIPv4: true},
			tc: test.Case{Qname: "short.example.org.", Qtype: dns.TypeAAAA,
				Answer: []dns.RR{test.AAAA("short.example.org. 30 IN AAAA 64:ff9b::c000:208")},
				Ns:     []dns.RR{nsRR}, Extra: []dns.RR{nsGlue}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			if !d.Prefix.IsValid() {
				d.Prefix = wellKnownPrefix
			}
			up := &fakeUpstream{}
			d.Upstream, d.Next = up, next
			rec := dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: tc.client})
			rc, err := d.ServeDNS(context.Background(), rec, tc.tc.Msg())
			if rc != dns.RcodeSuccess || err != nil {
				t.Fatalf("ServeDNS = %d, %v", rc, err)
			}
			if err := test.SortAndCheck(rec.Msg, tc.tc); err != nil {
				t.Error(err)
			}
			if rec.Msg.Authoritative != tc.aa {
				t.Errorf("AA = %t, want %t", rec.Msg.Authoritative, tc.aa)
			}
			if want := map[bool]int{true: 1, false: 0}[tc.translate]; up.lookups != want {
				t.Errorf("%d A lookups, want %d", up.lookups, want)
			}
		})
	}
}

func TestServeDNSUpstreamError(t *testing.T) {
	d := &DNS64{Prefix: wellKnownPrefix, Next: next, Upstream: &fakeUpstream{err: errors.New("boom")}}
	q := new(dns.Msg)
	q.SetQuestion("v4.example.org.", dns.TypeAAAA)
	rec := dnstest.NewRecorder(&test.ResponseWriter6{})
	rc, err := d.ServeDNS(context.Background(), rec, q)
	if rc != dns.RcodeServerFailure || err == nil || rec.Msg != nil {
		t.Errorf("got %d, %v and message %v; want SERVFAIL, an error and nothing written", rc, err, rec.Msg)
	}
}

// The signatures over the A records cannot vouch for the AAAA made from
// them and are left out; other records go through.
func TestSynthesizeDropsASignatures(t *testing.T) {
	d := &DNS64{Prefix: wellKnownPrefix}
	req := new(dns.Msg)
	req.SetQuestion("a.example.org.", dns.TypeAAAA)
	a := new(dns.Msg)
	a.SetReply(req)
	a.Answer = []dns.RR{
		test.CNAME("a.example.org. 60 IN CNAME b.example.org."),
		test.RRSIG("a.example.org. 60 IN RRSIG CNAME 8 3 60 20300101000000 20200101000000 1 example.org. c2ln"),
		test.A("b.example.org. 60 IN A 192.0.2.1"),
		test.RRSIG("b.example.org. 60 IN RRSIG A 8 3 60 20300101000000 20200101000000 1 example.org. c2ln"),
	}
	m := d.synthesize(req, new(dns.Msg), a)
	want := []string{
		"a.example.org.\t60\tIN\tCNAME\tb.example.org.",
		"a.example.org.\t60\tIN\tRRSIG\tCNAME 8 3 60 20300101000000 20200101000000 1 example.org. c2ln",
		"b.example.org.\t60\tIN\tAAAA\t64:ff9b::c000:201",
	}
	if len(m.Answer) != len(want) {
		t.Fatalf("answer %v, want %v", m.Answer, want)
	}
	for i := range want {
		if m.Answer[i].String() != want[i] {
			t.Errorf("answer %d: %s, want %s", i, m.Answer[i], want[i])
		}
	}
}

// TestEmbed checks the examples of RFC 6052 section 2.4.
func TestEmbed(t *testing.T) {
	tests := []struct{ prefix, want string }{
		{"2001:db8::/32", "2001:db8:c000:221::"},
		{"2001:db8:100::/40", "2001:db8:1c0:2:21::"},
		{"2001:db8:122::/48", "2001:db8:122:c000:2:2100::"},
		{"2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"},
		{"2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"},
		{"2001:db8:122:344::/96", "2001:db8:122:344::c000:221"},
		{"64:ff9b::/96", "64:ff9b::c000:221"},
	}
	for _, tc := range tests {
		d := &DNS64{Prefix: netip.MustParsePrefix(tc.prefix)}
		got := d.embed(net.ParseIP("192.0.2.33"))
		if !got.Equal(net.ParseIP(tc.want)) {
			t.Errorf("%s: got %s, want %s", tc.prefix, got, tc.want)
		}
	}
}

// TestTranslatedCount checks the counter moves for synthesized answers
// only.
func TestTranslatedCount(t *testing.T) {
	d := &DNS64{Prefix: wellKnownPrefix, Next: next, Upstream: &fakeUpstream{}}
	counter := translatedCount.WithLabelValues("")
	value := func() float64 {
		var m dto.Metric
		if err := counter.Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetCounter().GetValue()
	}
	for _, tc := range []struct {
		qname string
		delta float64
	}{
		{"v4.example.org.", 1},
		{"both.example.org.", 0},
		{"void.example.org.", 0},
		{flaky, 1},
	} {
		before := value()
		q := new(dns.Msg)
		q.SetQuestion(tc.qname, dns.TypeAAAA)
		if _, err := d.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter6{}), q); err != nil {
			t.Fatal(err)
		}
		if got := value() - before; got != tc.delta {
			t.Errorf("%s: counter moved by %v, want %v", tc.qname, got, tc.delta)
		}
	}
}

// ptrUpstream answers PTR lookups of 1.2.0.192.in-addr.arpa. and NXDOMAIN
// for anything else.
type ptrUpstream struct{ asked string }

func (u *ptrUpstream) Lookup(_ context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	u.asked = name
	m := new(dns.Msg)
	m.SetQuestion(name, typ)
	m.Response = true
	if name == "1.2.0.192.in-addr.arpa." && typ == dns.TypePTR {
		m.Answer = []dns.RR{test.PTR("1.2.0.192.in-addr.arpa. 300 IN PTR host.example.org.")}
		return m, nil
	}
	m.Rcode = dns.RcodeNameError
	m.Ns = []dns.RR{test.SOA("0.192.in-addr.arpa. 900 IN SOA ns. hostmaster. 1 7200 3600 1209600 900")}
	return m, nil
}

func TestServePTR(t *testing.T) {
	nsp := netip.MustParsePrefix("2001:db8:100::/40")
	tests := []struct {
		name   string
		prefix netip.Prefix
		addr   string // the IPv6 address asked about
		rcode  int
		answer []dns.RR // after the CNAME from the query name
		ns     []dns.RR
		passed bool // went to the next plugin
	}{
		{
			name: "well-known prefix", prefix: wellKnownPrefix, addr: "64:ff9b::c000:201",
			answer: []dns.RR{
				test.CNAME("Q 300 IN CNAME 1.2.0.192.in-addr.arpa."),
				test.PTR("1.2.0.192.in-addr.arpa. 300 IN PTR host.example.org."),
			},
		},
		{
			// /40: the IPv4 octets straddle bits 64-71, which stay zero.
			name: "network-specific /40", prefix: nsp, addr: "2001:db8:1c0:2:1::",
			answer: []dns.RR{
				test.CNAME("Q 300 IN CNAME 1.2.0.192.in-addr.arpa."),
				test.PTR("1.2.0.192.in-addr.arpa. 300 IN PTR host.example.org."),
			},
		},
		{
			name: "embedded address without PTR", prefix: wellKnownPrefix, addr: "64:ff9b::c000:202", rcode: dns.RcodeNameError,
			answer: []dns.RR{test.CNAME("Q 600 IN CNAME 2.2.0.192.in-addr.arpa.")},
			ns:     []dns.RR{test.SOA("0.192.in-addr.arpa. 900 IN SOA ns. hostmaster. 1 7200 3600 1209600 900")},
		},
		{name: "outside the prefix", prefix: wellKnownPrefix, addr: "2001:db8::1", passed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			passed := false
			d := &DNS64{Prefix: tc.prefix, Upstream: &ptrUpstream{}, Next: test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
				passed = true
				m := new(dns.Msg)
				m.SetRcode(r, dns.RcodeNameError)
				w.WriteMsg(m)
				return dns.RcodeNameError, nil
			})}
			rev, err := dns.ReverseAddr(tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			q := new(dns.Msg)
			q.SetQuestion(rev, dns.TypePTR)
			rec := dnstest.NewRecorder(&test.ResponseWriter6{})
			if _, err := d.ServeDNS(context.Background(), rec, q); err != nil {
				t.Fatal(err)
			}
			if passed != tc.passed {
				t.Fatalf("passed to next = %v, want %v", passed, tc.passed)
			}
			if tc.passed {
				return
			}
			// The CNAME's owner is the query name ("Q" in the table).
			answer := make([]dns.RR, len(tc.answer))
			for i, rr := range tc.answer {
				answer[i] = dns.Copy(rr)
				if answer[i].Header().Name == "Q." {
					answer[i].Header().Name = rev
				}
			}
			if err := test.SortAndCheck(rec.Msg, test.Case{Qname: rev, Qtype: dns.TypePTR, Rcode: tc.rcode, Answer: answer, Ns: tc.ns}); err != nil {
				t.Error(err)
			}
		})
	}
}
