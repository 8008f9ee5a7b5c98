package loadbalance

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// answer returns a handler that replies with a copy of the given sections, so
// tests can see that the plugin never reorders the slices it was given.
func answer(rcode int, ans, ns, extra []dns.RR) test.HandlerFunc {
	return func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		m.Authoritative = true
		m.Answer, m.Ns, m.Extra = ans, ns, extra
		w.WriteMsg(m)
		return rcode, nil
	}
}

func query(t *testing.T, lb *LoadBalance, qname string, qtype uint16) *dns.Msg {
	t.Helper()
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	if _, err := lb.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	return rec.Msg
}

var (
	herd = []dns.RR{
		test.A("herd.example.org. 300 IN A 192.0.2.1"),
		test.A("herd.example.org. 300 IN A 192.0.2.2"),
		test.A("herd.example.org. 300 IN A 192.0.2.3"),
		test.A("herd.example.org. 300 IN A 192.0.2.4"),
	}
	mxs = []dns.RR{
		test.MX("example.org. 300 IN MX 10 mx1.example.org."),
		test.MX("example.org. 300 IN MX 10 mx2.example.org."),
		test.MX("example.org. 300 IN MX 20 mx3.example.org."),
	}
)

func TestRoundRobinWholeAnswer(t *testing.T) {
	cname := test.CNAME("nick.example.org. 300 IN CNAME herd.example.org.")
	ns := []dns.RR{test.NS("example.org. 300 IN NS ns.example.org.")}
	glue := []dns.RR{
		test.A("mx1.example.org. 300 IN A 192.0.2.25"),
		test.A("mx2.example.org. 300 IN A 192.0.2.26"),
	}
	tests := []struct {
		ans, extra []dns.RR
		tc         test.Case
	}{
		{herd, nil, test.Case{Qname: "herd.example.org.", Qtype: dns.TypeA, Authoritative: true, Answer: herd, Ns: ns}},
		{append([]dns.RR{herd[0], herd[1]}, cname), nil, test.Case{Qname: "nick.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{cname, herd[0], herd[1]}, Ns: ns}},
		{mxs, glue, test.Case{Qname: "example.org.", Qtype: dns.TypeMX, Authoritative: true, Answer: mxs, Ns: ns, Extra: glue}},
	}
	for _, tt := range tests {
		lb := &LoadBalance{Next: answer(dns.RcodeSuccess, tt.ans, ns, tt.extra)}
		for range 20 {
			m := query(t, lb, tt.tc.Qname, tt.tc.Qtype)
			if tt.tc.Qname == "nick.example.org." && m.Answer[0] != cname {
				t.Fatalf("CNAME not first: %v", m.Answer)
			}
			if err := test.SortAndCheck(m, tt.tc); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestRoundRobinOrder(t *testing.T) {
	c1 := test.CNAME("a.example.org. 300 IN CNAME b.example.org.")
	c2 := test.CNAME("b.example.org. 300 IN CNAME herd.example.org.")
	sig := test.RRSIG("herd.example.org. 300 IN RRSIG A 8 3 300 20300101000000 20200101000000 1 example.org. AAAA")
	aaaa := test.AAAA("herd.example.org. 300 IN AAAA 2001:db8::1")
	in := []dns.RR{herd[0], mxs[0], c1, herd[1], sig, aaaa, c2, mxs[1], herd[2]}
	orig := append([]dns.RR(nil), in...)

	seenFirst := map[dns.RR]bool{}
	for range 200 {
		out := roundRobin(in)
		if len(out) != len(in) {
			t.Fatalf("got %d records, want %d", len(out), len(in))
		}
		// CNAMEs in their order, then the other records, then 4 addresses,
		// then 2 MX.
		if out[0] != c1 || out[1] != c2 || out[2] != sig {
			t.Fatalf("prefix is %v %v %v", out[0], out[1], out[2])
		}
		for _, rr := range out[3:7] {
			if rr.Header().Rrtype != dns.TypeA && rr.Header().Rrtype != dns.TypeAAAA {
				t.Fatalf("address slot holds %v", rr)
			}
		}
		for _, rr := range out[7:] {
			if rr.Header().Rrtype != dns.TypeMX {
				t.Fatalf("MX slot holds %v", rr)
			}
		}
		seenFirst[out[3]] = true
	}
	if len(seenFirst) != 4 {
		t.Errorf("only %d different addresses came first in 200 shuffles", len(seenFirst))
	}
	for i := range in {
		if in[i] != orig[i] {
			t.Fatalf("input slice was reordered")
		}
	}
	if out := roundRobin(herd[:1]); len(out) != 1 || out[0] != herd[0] {
		t.Errorf("single record changed: %v", out)
	}
}

func TestUntouched(t *testing.T) {
	soa := test.SOA("example.org. 300 IN SOA ns.example.org. admin.example.org. 1 3600 600 86400 60")
	tests := []struct {
		rcode int
		qtype uint16
	}{
		{dns.RcodeNameError, dns.TypeA},
		{dns.RcodeSuccess, dns.TypeAXFR},
		{dns.RcodeSuccess, dns.TypeIXFR},
	}
	for _, tt := range tests {
		lb := &LoadBalance{Next: answer(tt.rcode, herd, []dns.RR{soa}, nil)}
		for range 10 {
			m := query(t, lb, "herd.example.org.", tt.qtype)
			for i := range herd {
				if m.Answer[i] != herd[i] {
					t.Fatalf("rcode %d qtype %d: answer reordered: %v", tt.rcode, tt.qtype, m.Answer)
				}
			}
		}
	}
}

func TestPrefer(t *testing.T) {
	cname := test.CNAME("www.example.org. 300 IN CNAME herd.example.org.")
	a := func(ip string) dns.RR { return test.A("herd.example.org. 300 IN A " + ip) }
	aaaa := func(ip string) dns.RR { return test.AAAA("herd.example.org. 300 IN AAAA " + ip) }
	prefixes := []netip.Prefix{netip.MustParsePrefix("10.9.20.0/24"), netip.MustParsePrefix("10.9.30.0/24"), netip.MustParsePrefix("2001:db8:1::/48")}

	tests := []struct {
		in, want []dns.RR
	}{
		{
			[]dns.RR{a("172.0.100.1"), a("10.9.20.1"), a("172.0.200.1"), a("10.9.30.1")},
			[]dns.RR{a("10.9.20.1"), a("10.9.30.1"), a("172.0.100.1"), a("172.0.200.1")},
		},
		{ // the order of the prefixes counts
			[]dns.RR{a("10.9.30.1"), a("10.9.20.2"), a("10.9.30.2"), a("10.9.20.1")},
			[]dns.RR{a("10.9.20.2"), a("10.9.20.1"), a("10.9.30.1"), a("10.9.30.2")},
		},
		{ // a CNAME stays first; AAAA records take part
			[]dns.RR{cname, aaaa("2001:db8:2::1"), a("192.0.2.1"), aaaa("2001:db8:1::1")},
			[]dns.RR{cname, aaaa("2001:db8:1::1"), aaaa("2001:db8:2::1"), a("192.0.2.1")},
		},
		{ // nothing preferred: unchanged
			[]dns.RR{a("192.0.2.2"), a("192.0.2.1")},
			[]dns.RR{a("192.0.2.2"), a("192.0.2.1")},
		},
	}
	for i, tt := range tests {
		got := preferSubnets(tt.in, prefixes)
		if len(got) != len(tt.want) {
			t.Fatalf("%d: got %v", i, got)
		}
		for j := range got {
			if got[j].String() != tt.want[j].String() {
				t.Errorf("%d: record %d is %s, want %s", i, j, got[j], tt.want[j])
			}
		}
	}
}

func TestPreferAfterRoundRobin(t *testing.T) {
	lb := &LoadBalance{
		Next:   answer(dns.RcodeSuccess, herd, nil, nil),
		prefer: []netip.Prefix{netip.MustParsePrefix("192.0.2.3/32")},
	}
	seenSecond := map[string]bool{}
	for range 100 {
		m := query(t, lb, "herd.example.org.", dns.TypeA)
		if m.Answer[0].String() != herd[2].String() {
			t.Fatalf("preferred address not first: %v", m.Answer)
		}
		seenSecond[m.Answer[1].String()] = true
	}
	if len(seenSecond) != 3 {
		t.Errorf("the other addresses were not shuffled: %v", seenSecond)
	}
}

func TestWeighted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weights")
	content := "herd.example.org\n192.0.2.1 8\n192.0.2.2 1\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := newWeights(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	cname := test.CNAME("www.example.org. 300 IN CNAME herd.example.org.")
	in := []dns.RR{herd[0], herd[1], herd[2], herd[3]} // weights 8, 1, 1, 1
	lb := &LoadBalance{Next: answer(dns.RcodeSuccess, in, nil, nil), policy: policyWeighted, weights: w}

	counts := map[string]int{}
	const n = 2000
	for range n {
		m := query(t, lb, "Herd.Example.ORG.", dns.TypeA)
		counts[m.Answer[0].(*dns.A).A.String()]++ // before SortAndCheck sorts
		if err := test.SortAndCheck(m, test.Case{Qname: "Herd.Example.ORG.", Qtype: dns.TypeA, Authoritative: true, Answer: in}); err != nil {
			t.Fatal(err)
		}
	}
	// Expect 192.0.2.1 first 8/11 of the time.
	if c := counts["192.0.2.1"]; c < n*6/11 || c > n*10/11 {
		t.Errorf("heaviest address first %d of %d times: %v", c, n, counts)
	}
	for _, ip := range []string{"192.0.2.2", "192.0.2.3", "192.0.2.4"} {
		if counts[ip] == 0 {
			t.Errorf("%s never first: %v", ip, counts)
		}
	}

	// Only the first address moves; the rest keep their order; a CNAME in
	// front stays in front.
	withCNAME := []dns.RR{cname, herd[0], herd[1], herd[2]}
	for range 50 {
		out := w.topAddress("herd.example.org.", withCNAME)
		if out[0] != cname {
			t.Fatalf("CNAME moved: %v", out)
		}
		rest := []dns.RR{}
		for _, rr := range withCNAME[1:] {
			if rr != out[1] {
				rest = append(rest, rr)
			}
		}
		if out[2] != rest[0] || out[3] != rest[1] {
			t.Fatalf("other addresses reordered: %v", out)
		}
	}

	// Names the file does not list are left alone.
	other := &LoadBalance{Next: answer(dns.RcodeSuccess, in, nil, nil), policy: policyWeighted, weights: w}
	for range 20 {
		m := query(t, other, "flock.example.org.", dns.TypeA)
		for i := range in {
			if m.Answer[i] != in[i] {
				t.Fatalf("unlisted name reordered: %v", m.Answer)
			}
		}
	}
}

func TestWeightedReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "weights")
	if err := os.WriteFile(path, []byte("herd.example.org\n192.0.2.1 255\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w, err := newWeights(path, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	w.start()
	defer w.stop()

	first := func() string {
		counts := map[string]int{}
		for range 200 {
			counts[w.topAddress("herd.example.org.", herd[:2])[0].(*dns.A).A.String()]++
		}
		if counts["192.0.2.1"] > counts["192.0.2.2"] {
			return "192.0.2.1"
		}
		return "192.0.2.2"
	}
	if got := first(); got != "192.0.2.1" {
		t.Fatalf("favourite is %s before reload", got)
	}

	// A broken file is ignored, a good one is picked up.
	if err := os.WriteFile(path, []byte("192.0.2.2 255\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if got := first(); got != "192.0.2.1" {
		t.Fatalf("broken file was loaded: favourite is %s", got)
	}
	if err := os.WriteFile(path, []byte("herd.example.org\n192.0.2.2 255\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for first() != "192.0.2.2" {
		if time.Now().After(deadline) {
			t.Fatal("new weights not loaded")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
