package cache

import (
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// step is one query of a scenario: move the clock, ask, and check the whole
// reply and how many queries the backend has seen by then.
type step struct {
	advance time.Duration
	q       *dns.Msg
	want    test.Case
	calls   int32 // backend queries seen after this step
}

// run plays steps against ca and b. Every reply must carry the query's ID
// and question (case kept) and match want exactly, TTLs included.
func run(t *testing.T, ca *Cache, clk *clock, b *backend, steps []step) {
	t.Helper()
	for n, s := range steps {
		clk.advance(s.advance)
		resp := ask(t, ca, s.q)
		if resp.Id != s.q.Id {
			t.Errorf("step %d: reply ID %d, want %d", n, resp.Id, s.q.Id)
		}
		if len(resp.Question) != 1 || resp.Question[0] != s.q.Question[0] {
			t.Errorf("step %d: reply question %v, want %v", n, resp.Question, s.q.Question)
		}
		if resp.RecursionDesired != s.q.RecursionDesired || resp.CheckingDisabled != s.q.CheckingDisabled {
			t.Errorf("step %d: RD/CD %v/%v, want %v/%v", n, resp.RecursionDesired, resp.CheckingDisabled, s.q.RecursionDesired, s.q.CheckingDisabled)
		}
		if err := test.SortAndCheck(resp, s.want); err != nil {
			t.Errorf("step %d: %v", n, err)
		}
		if got := b.calls.Load(); got != s.calls {
			t.Errorf("step %d: backend saw %d queries, want %d", n, got, s.calls)
		}
	}
}

func withDo(m *dns.Msg) *dns.Msg {
	m.SetEdns0(1232, true)
	return m
}

func withCD(m *dns.Msg) *dns.Msg {
	m.CheckingDisabled = true
	return m
}

func noRD(m *dns.Msg) *dns.Msg {
	m.RecursionDesired = false
	return m
}

var (
	appleA = []dns.RR{
		test.A("apple.example.org. 300 IN A 192.0.2.1"),
		test.A("apple.example.org. 300 IN A 192.0.2.2"),
	}
	exampleNS = []dns.RR{test.NS("example.org. 300 IN NS ns.example.org.")}
	// SOA with TTL 300 and MINIMUM 45.
	exampleSOA = []dns.RR{test.SOA("example.org. 300 IN SOA ns.example.org. keeper.example.org. 11 3600 600 86400 45")}
)

func soaTTL(ttl uint32) dns.RR {
	s := test.SOA("example.org. 300 IN SOA ns.example.org. keeper.example.org. 11 3600 600 86400 45")
	s.Hdr.Ttl = ttl
	return s
}

func appleTTL(ttl uint32) []dns.RR {
	out := make([]dns.RR, len(appleA))
	for i, r := range appleA {
		out[i] = dns.Copy(r)
		out[i].Header().Ttl = ttl
	}
	return out
}

func nsTTL(ttl uint32) []dns.RR {
	ns := dns.Copy(exampleNS[0])
	ns.Header().Ttl = ttl
	return []dns.RR{ns}
}

// TestPositive covers the hit path: TTLs age, every record gets the entry's
// TTL (capped by the configured maximum), and ID, question case, RD and CD
// come from each query.
func TestPositive(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, exampleNS))
	ca, clk := newTestCache(t, "cache 120", b)

	ok := func(ttl uint32) test.Case {
		return test.Case{Rcode: dns.RcodeSuccess, Authoritative: true, Answer: appleTTL(ttl), Ns: nsTTL(ttl)}
	}
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: ok(120), calls: 1},
		{q: query("apple.example.org.", dns.TypeA), want: ok(120), calls: 1},
		{advance: 10 * time.Second, q: query("APPLE.Example.ORG.", dns.TypeA), want: ok(110), calls: 1},
		{advance: 500 * time.Millisecond, q: noRD(query("apple.example.org.", dns.TypeA)), want: ok(110), calls: 1},
		{advance: 100 * time.Second, q: query("apple.example.org.", dns.TypeA), want: ok(10), calls: 1},
		// Expired: asked again, stored afresh.
		{advance: 10 * time.Second, q: query("apple.example.org.", dns.TypeA), want: ok(120), calls: 2},
		{advance: time.Second, q: query("apple.example.org.", dns.TypeA), want: ok(119), calls: 2},
	})
}

// TestMinTTL checks that a short TTL is kept and that the minimum applies.
func TestMinTTL(t *testing.T) {
	b := newBackend()
	b.set("quince.example.org.", dns.TypeA, answer(dns.RcodeSuccess,
		[]dns.RR{test.A("quince.example.org. 2 IN A 192.0.2.9")}, nil))
	b.set("pear.example.org.", dns.TypeA, answer(dns.RcodeSuccess,
		[]dns.RR{test.A("pear.example.org. 20 IN A 192.0.2.8")}, exampleNS))
	ca, clk := newTestCache(t, "cache {\n success 1000 60 3\n}", b)
	run(t, ca, clk, b, []step{
		{q: query("quince.example.org.", dns.TypeA), calls: 1, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("quince.example.org. 3 IN A 192.0.2.9")}}},
		{q: query("pear.example.org.", dns.TypeA), calls: 2, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("pear.example.org. 20 IN A 192.0.2.8")}, Ns: nsTTL(20)}},
		{advance: 2 * time.Second, q: query("quince.example.org.", dns.TypeA), calls: 2, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("quince.example.org. 1 IN A 192.0.2.9")}}},
		{advance: time.Second, q: query("quince.example.org.", dns.TypeA), calls: 3, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("quince.example.org. 3 IN A 192.0.2.9")}}},
	})
}

// TestKeys checks that DO and CD select separate entries and that case and
// RD do not.
func TestKeys(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	ca, clk := newTestCache(t, "cache", b)
	ok := test.Case{Authoritative: true, Answer: appleTTL(300)}
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: ok, calls: 1},
		{q: withDo(query("apple.example.org.", dns.TypeA)), want: ok, calls: 2},
		{q: withDo(query("Apple.example.org.", dns.TypeA)), want: ok, calls: 2},
		{q: withCD(query("apple.example.org.", dns.TypeA)), want: ok, calls: 3},
		{q: withCD(withDo(query("apple.example.org.", dns.TypeA))), want: ok, calls: 4},
		{q: withCD(withDo(query("apple.example.org.", dns.TypeA))), want: ok, calls: 4},
		{q: noRD(query("APPLE.EXAMPLE.ORG.", dns.TypeA)), want: ok, calls: 4},
	})
}

// TestDNSSEC checks that RRSIGs are kept for DO clients and that AD is given
// only to clients that asked for DNSSEC or for AD.
func TestDNSSEC(t *testing.T) {
	sig := test.RRSIG("apple.example.org. 300 IN RRSIG A 13 3 300 20990101000000 20200101000000 12345 example.org. aGVsbG8=")
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, appleA, nil)(r)
		m.AuthenticatedData = true
		if o := r.IsEdns0(); o != nil && o.Do() {
			m.Answer = append(m.Answer, dns.Copy(sig))
			m.SetEdns0(1232, true)
		}
		return m
	})
	ca, clk := newTestCache(t, "cache", b)
	signed := append(appleTTL(300), dns.Copy(sig))
	withAD := func(m *dns.Msg) *dns.Msg { m.AuthenticatedData = true; return m }
	for _, round := range []int32{1, 2} { // miss, then hit
		clk.advance(0)
		resp := ask(t, ca, withDo(query("apple.example.org.", dns.TypeA)))
		if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: signed}); err != nil {
			t.Errorf("round %d, DO: %v", round, err)
		}
		if !resp.AuthenticatedData {
			t.Errorf("round %d: AD cleared for a DO client", round)
		}
		for _, r := range resp.Extra {
			if r.Header().Rrtype == dns.TypeOPT {
				t.Errorf("round %d: the cache should leave the OPT record to the server", round)
			}
		}
		resp = ask(t, ca, query("apple.example.org.", dns.TypeA))
		if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleTTL(300)}); err != nil {
			t.Errorf("round %d, plain: %v", round, err)
		}
		if resp.AuthenticatedData {
			t.Errorf("round %d: AD set for a client that asked for neither DO nor AD", round)
		}
		if resp = ask(t, ca, withAD(query("apple.example.org.", dns.TypeA))); !resp.AuthenticatedData {
			t.Errorf("round %d: AD cleared for a client that asked for AD", round)
		}
		if b.calls.Load() != 2 {
			t.Errorf("round %d: backend saw %d queries, want 2", round, b.calls.Load())
		}
	}
}

// TestDenial checks negative caching: the SOA TTL is bounded by its MINIMUM
// and by the denial maximum, and every record gets that TTL.
func TestDenial(t *testing.T) {
	b := newBackend()
	b.set("void.example.org.", dns.TypeA, answer(dns.RcodeNameError, nil, exampleSOA))
	b.set("apple.example.org.", dns.TypeAAAA, answer(dns.RcodeSuccess, nil, exampleSOA))
	b.set("bare.example.org.", dns.TypeA, answer(dns.RcodeNameError, nil, nil))

	nx := func(ttl uint32) test.Case {
		return test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soaTTL(ttl)}}
	}
	nodata := func(ttl uint32) test.Case {
		return test.Case{Rcode: dns.RcodeSuccess, Authoritative: true, Ns: []dns.RR{soaTTL(ttl)}}
	}

	ca, clk := newTestCache(t, "cache", b)
	run(t, ca, clk, b, []step{
		{q: query("void.example.org.", dns.TypeA), want: nx(45), calls: 1},
		{advance: 5 * time.Second, q: query("void.example.org.", dns.TypeA), want: nx(40), calls: 1},
		{q: query("apple.example.org.", dns.TypeAAAA), want: nodata(45), calls: 2},
		{advance: 44 * time.Second, q: query("apple.example.org.", dns.TypeAAAA), want: nodata(1), calls: 2},
		{advance: time.Second, q: query("apple.example.org.", dns.TypeAAAA), want: nodata(45), calls: 3},
		// NXDOMAIN without SOA: no negative TTL, never stored.
		{q: query("bare.example.org.", dns.TypeA), want: test.Case{Rcode: dns.RcodeNameError, Authoritative: true}, calls: 4},
		{q: query("bare.example.org.", dns.TypeA), want: test.Case{Rcode: dns.RcodeNameError, Authoritative: true}, calls: 5},
	})

	b.calls.Store(0)
	ca, clk = newTestCache(t, "cache 120 {\n denial 100 30\n}", b)
	run(t, ca, clk, b, []step{
		{q: query("void.example.org.", dns.TypeA), want: nx(30), calls: 1},
		{advance: 29 * time.Second, q: query("void.example.org.", dns.TypeA), want: nx(1), calls: 1},
		{advance: time.Second, q: query("void.example.org.", dns.TypeA), want: nx(30), calls: 2},
	})
}

// TestServfail checks SERVFAIL caching for the servfail duration.
func TestServfail(t *testing.T) {
	b := newBackend()
	b.set("broken.example.org.", dns.TypeA, answer(dns.RcodeServerFailure, nil, nil))
	fail := test.Case{Rcode: dns.RcodeServerFailure}
	failAA := test.Case{Rcode: dns.RcodeServerFailure, Authoritative: true}

	ca, clk := newTestCache(t, "cache", b)
	run(t, ca, clk, b, []step{
		{q: query("broken.example.org.", dns.TypeA), want: fail, calls: 1},
		{advance: 4 * time.Second, q: query("broken.example.org.", dns.TypeA), want: failAA, calls: 1},
		{advance: time.Second, q: query("broken.example.org.", dns.TypeA), want: fail, calls: 2},
	})

	b.calls.Store(0)
	ca, clk = newTestCache(t, "cache {\n servfail 0\n}", b)
	run(t, ca, clk, b, []step{
		{q: query("broken.example.org.", dns.TypeA), want: fail, calls: 1},
		{q: query("broken.example.org.", dns.TypeA), want: fail, calls: 2},
	})

	b.calls.Store(0)
	ca, clk = newTestCache(t, "cache {\n servfail 1m\n}", b)
	run(t, ca, clk, b, []step{
		{q: query("broken.example.org.", dns.TypeA), want: fail, calls: 1},
		{advance: 59 * time.Second, q: query("broken.example.org.", dns.TypeA), want: failAA, calls: 1},
		{advance: time.Second, q: query("broken.example.org.", dns.TypeA), want: fail, calls: 2},
	})
}

// TestNotCached covers replies that must not be stored.
func TestNotCached(t *testing.T) {
	b := newBackend()
	b.set("big.example.org.", dns.TypeA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, appleA, nil)(r)
		m.Truncated = true
		return m
	})
	b.set("refused.example.org.", dns.TypeA, answer(dns.RcodeRefused, nil, nil))
	b.set("other.example.org.", dns.TypeA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, appleA, nil)(r)
		m.Question[0].Name = "apple.example.org." // not the question asked
		return m
	})
	ca, clk := newTestCache(t, "cache", b)
	for _, name := range []string{"big.example.org.", "refused.example.org.", "other.example.org."} {
		b.calls.Store(0)
		for n := int32(1); n <= 2; n++ {
			clk.advance(time.Second)
			ask(t, ca, query(name, dns.TypeA))
			if got := b.calls.Load(); got != n {
				t.Errorf("%s: backend saw %d queries after %d asked; the reply was cached", name, got, n)
			}
		}
	}
	if n := ca.pcache.Len() + ca.ncache.Len(); n != 0 {
		t.Errorf("%d entries stored, want 0", n)
	}
}

// TestZones checks that names outside the cache's zones pass through.
func TestZones(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	b.set("apple.example.net.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	ca, clk := newTestCache(t, "cache 60 example.org", b)
	for range 2 {
		ask(t, ca, query("apple.example.org.", dns.TypeA))
		ask(t, ca, query("APPLE.example.net.", dns.TypeA))
	}
	_ = clk
	if got := b.calls.Load(); got != 3 {
		t.Errorf("backend saw %d queries, want 3 (1 for example.org, 2 for example.net)", got)
	}
}

// TestDisable checks that disabled zones are not stored.
func TestDisable(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	b.set("apple.example.net.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	b.set("void.example.org.", dns.TypeA, answer(dns.RcodeNameError, nil, exampleSOA))
	b.set("void.example.net.", dns.TypeA, answer(dns.RcodeNameError, nil, exampleSOA))

	tests := []struct {
		corefile string
		calls    map[string]int32 // backend queries per name after two asks
	}{
		{"cache {\n disable success example.org\n}", map[string]int32{
			"apple.example.org.": 2, "apple.example.net.": 1, "void.example.org.": 1, "void.example.net.": 1}},
		{"cache {\n disable denial\n}", map[string]int32{
			"apple.example.org.": 1, "apple.example.net.": 1, "void.example.org.": 2, "void.example.net.": 2}},
		{"cache {\n disable denial example.net\n disable success example.net\n}", map[string]int32{
			"apple.example.org.": 1, "apple.example.net.": 2, "void.example.org.": 1, "void.example.net.": 2}},
	}
	for _, tc := range tests {
		ca, _ := newTestCache(t, tc.corefile, b)
		for name, want := range tc.calls {
			b.calls.Store(0)
			ask(t, ca, query(name, dns.TypeA))
			ask(t, ca, query(name, dns.TypeA))
			if got := b.calls.Load(); got != want {
				t.Errorf("%q: %s: backend saw %d queries, want %d", tc.corefile, name, got, want)
			}
		}
	}
}

// TestKeepTTL checks that keepttl answers with the stored TTL until expiry.
func TestKeepTTL(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, nil))
	ca, clk := newTestCache(t, "cache {\n keepttl\n}", b)
	ok := test.Case{Authoritative: true, Answer: appleTTL(300)}
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: ok, calls: 1},
		{advance: 100 * time.Second, q: query("apple.example.org.", dns.TypeA), want: ok, calls: 1},
		{advance: 199 * time.Second, q: query("apple.example.org.", dns.TypeA), want: ok, calls: 1},
		{advance: time.Second, q: query("apple.example.org.", dns.TypeA), want: ok, calls: 2},
	})
}

// TestFlags checks the header of replies from the cache: AA set, RA and
// the rcode as stored, AD only for DNSSEC-aware clients.
func TestFlags(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, appleA, nil)(r)
		m.Authoritative = false
		m.RecursionAvailable = true
		return m
	})
	ca, _ := newTestCache(t, "cache", b)
	miss := ask(t, ca, query("apple.example.org.", dns.TypeA))
	hit := ask(t, ca, query("apple.example.org.", dns.TypeA))
	if miss.Authoritative || !miss.RecursionAvailable {
		t.Errorf("miss: AA %v RA %v, want the backend's false/true", miss.Authoritative, miss.RecursionAvailable)
	}
	if !hit.Authoritative || !hit.RecursionAvailable || !hit.Response {
		t.Errorf("hit: AA %v RA %v QR %v, want all true", hit.Authoritative, hit.RecursionAvailable, hit.Response)
	}
}

// TestRecordTypes checks replies mixing batched and other record types, and
// that a plugin changing a reply in place does not change the cache.
func TestRecordTypes(t *testing.T) {
	records := []dns.RR{
		test.CNAME("www.example.org. 300 IN CNAME plum.example.org."),
		test.CNAME("plum.example.org. 300 IN CNAME apple.example.org."),
		test.AAAA("apple.example.org. 300 IN AAAA 2001:db8::1"),
		test.AAAA("apple.example.org. 300 IN AAAA 2001:db8::2"),
		test.TXT(`apple.example.org. 300 IN TXT "one" "two"`),
		test.MX("apple.example.org. 300 IN MX 10 mail.example.org."),
	}
	extra := []dns.RR{test.A("mail.example.org. 300 IN A 192.0.2.25")}
	b := newBackend()
	b.set("www.example.org.", dns.TypeAAAA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, records, exampleNS)(r)
		m.Extra = copyRRs(extra)
		return m
	})
	ca, clk := newTestCache(t, "cache", b)
	want := test.Case{Authoritative: true, Answer: records, Ns: exampleNS, Extra: extra}
	for n := range 3 {
		resp := ask(t, ca, query("www.example.org.", dns.TypeAAAA))
		if err := test.SortAndCheck(resp, want); err != nil {
			t.Fatalf("query %d: %v", n, err)
		}
		// What a rewrite or loadbalance plugin might do to the reply.
		for _, r := range append(append(resp.Answer, resp.Ns...), resp.Extra...) {
			r.Header().Name = "mangled.example."
			r.Header().Ttl = 1
		}
		resp.Answer[0], resp.Answer[1] = resp.Answer[1], resp.Answer[0]
	}
	clk.advance(0)
	if got := b.calls.Load(); got != 1 {
		t.Errorf("backend saw %d queries, want 1", got)
	}
}

// TestNotQuery checks that anything but a QUERY passes through uncached.
func TestNotQuery(t *testing.T) {
	b := newBackend()
	b.set("example.org.", dns.TypeSOA, answer(dns.RcodeSuccess, exampleSOA, nil))
	ca, _ := newTestCache(t, "cache", b)
	for range 2 {
		m := query("example.org.", dns.TypeSOA)
		m.Opcode = dns.OpcodeNotify
		ask(t, ca, m)
	}
	if got := b.calls.Load(); got != 2 {
		t.Errorf("backend saw %d queries, want 2", got)
	}
}

// TestKeyClass checks that the same name and type in another class is a
// separate entry: a CH answer never answers an IN query.
func TestKeyClass(t *testing.T) {
	b := newBackend()
	b.set("version.bind.", dns.TypeTXT, func(r *dns.Msg) *dns.Msg {
		m := new(dns.Msg)
		m.SetReply(r)
		txt := &dns.TXT{Hdr: dns.RR_Header{Name: "version.bind.", Rrtype: dns.TypeTXT, Class: r.Question[0].Qclass, Ttl: 60},
			Txt: []string{dns.ClassToString[r.Question[0].Qclass]}}
		m.Answer = []dns.RR{txt}
		return m
	})
	ca, _ := newTestCache(t, "cache", b)

	inQ := query("version.bind.", dns.TypeTXT)
	chQ := query("version.bind.", dns.TypeTXT)
	chQ.Question[0].Qclass = dns.ClassCHAOS
	for n, q := range []*dns.Msg{chQ, inQ, chQ, inQ} {
		resp := ask(t, ca, q)
		want := dns.ClassToString[q.Question[0].Qclass]
		if len(resp.Answer) != 1 || resp.Answer[0].Header().Class != q.Question[0].Qclass ||
			resp.Answer[0].(*dns.TXT).Txt[0] != want {
			t.Errorf("query %d (%s): got %v", n, want, resp.Answer)
		}
	}
	if got := b.calls.Load(); got != 2 {
		t.Errorf("backend saw %d queries, want 2 (one per class)", got)
	}
}
