package cache

import (
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/cache"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// waitDone waits for n background queries of b to finish.
func waitDone(t *testing.T, b *backend, n int) {
	t.Helper()
	for range n {
		select {
		case <-b.done:
		case <-time.After(2 * time.Second):
			t.Fatal("timed out waiting for a background query")
		}
	}
}

// waitIdle waits until no refresh of any entry of ca is under way.
func waitIdle(t *testing.T, ca *Cache) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		busy := false
		for _, c := range []*cache.Cache[*item]{ca.pcache, ca.ncache} {
			c.Walk(func(items map[uint64]*item, k uint64) bool {
				busy = busy || items[k].refreshing.Load()
				return true
			})
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a refresh is still running")
		}
		time.Sleep(time.Millisecond)
	}
}

// expectNoQuery fails when b gets a query within a short while.
func expectNoQuery(t *testing.T, b *backend) {
	t.Helper()
	select {
	case <-b.done:
		t.Fatal("unexpected backend query")
	case <-time.After(50 * time.Millisecond):
	}
}

func appleAt(ip string, ttl uint32) []dns.RR {
	a := test.A("apple.example.org. 300 IN A " + ip)
	a.Hdr.Ttl = ttl
	return []dns.RR{a}
}

// TestPrefetch checks that a popular entry close to expiry is refreshed in
// the background exactly once, and that the refreshed entry takes over.
func TestPrefetch(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 100), nil))
	ca, clk := newTestCache(t, "cache {\n prefetch 2 30s 20%\n}", b)

	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)

	// One hit, far from expiry: nothing.
	clk.advance(50 * time.Second)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	expectNoQuery(t, b)

	// Second hit within 30s, but 21s of 100 left (> 20%): nothing.
	clk.advance(29 * time.Second)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	expectNoQuery(t, b)

	// 15s left and a third hit within 30s: refresh, once, however many
	// hits come in while it runs.
	clk.advance(6 * time.Second)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.7", 100), nil))
	release := b.hold()
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
			if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 15)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	release()
	waitDone(t, b, 1)
	expectNoQuery(t, b)
	if got := b.calls.Load(); got != 2 {
		t.Fatalf("backend saw %d queries, want 2", got)
	}

	// The refreshed entry answers now, with a fresh TTL.
	clk.advance(time.Second)
	resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.7", 99)}); err != nil {
		t.Error(err)
	}

	// The refreshed entry is refreshed in turn.
	clk.advance(84 * time.Second)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	expectNoQuery(t, b) // the first hit after a long gap counts 1
	clk.advance(time.Second)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	if got := b.calls.Load(); got != 3 {
		t.Fatalf("backend saw %d queries, want 3", got)
	}
}

// TestPrefetchGap checks that hits spread more than DURATION apart never
// count up to AMOUNT.
func TestPrefetchGap(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 100), nil))
	ca, clk := newTestCache(t, "cache {\n prefetch 2 10s 90%\n}", b)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	for range 5 {
		clk.advance(11 * time.Second)
		ask(t, ca, query("apple.example.org.", dns.TypeA))
	}
	expectNoQuery(t, b)
}

// TestPrefetchFailure checks that a failed refresh keeps the entry and lets
// a later hit try again.
func TestPrefetchFailure(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 10), nil))
	ca, clk := newTestCache(t, "cache {\n prefetch 1\n}", b)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)

	b.set("apple.example.org.", dns.TypeA, nil) // the backend now writes nothing
	clk.advance(9 * time.Second)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	waitIdle(t, ca)
	resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 1)}); err != nil {
		t.Error(err)
	}
}

// TestServeStaleImmediate checks that an expired entry is answered with TTL
// 0 at once and refreshed in the background, within the stale window only.
func TestServeStaleImmediate(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 60), nil))
	ca, clk := newTestCache(t, "cache {\n serve_stale 10m\n}", b)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)

	// Expired: the stale answer, and one refresh (failing) while it runs.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeServerFailure, nil, nil))
	clk.advance(2 * time.Minute)
	release := b.hold()
	for range 3 {
		resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
		if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 0)}); err != nil {
			t.Fatal(err)
		}
	}
	release()
	waitDone(t, b, 1)
	waitIdle(t, ca)
	if got := b.calls.Load(); got != 2 {
		t.Fatalf("backend saw %d queries, want 2", got)
	}
	// The SERVFAIL got cached, but does not hide the stale answer, which
	// is refreshed again.
	resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 0)}); err != nil {
		t.Fatal(err)
	}
	waitDone(t, b, 1)
	waitIdle(t, ca)

	// The next refresh succeeds and the fresh answer takes over.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.7", 60), nil))
	clk.advance(10 * time.Second) // the cached SERVFAIL has expired
	resp = ask(t, ca, query("apple.example.org.", dns.TypeA))
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 0)}); err != nil {
		t.Fatal(err)
	}
	waitDone(t, b, 1)
	waitIdle(t, ca)
	resp = ask(t, ca, query("apple.example.org.", dns.TypeA))
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.7", 60)}); err != nil {
		t.Fatal(err)
	}

	// Past the stale window the entry is a plain miss.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.9", 60), nil))
	clk.advance(60*time.Second + 10*time.Minute)
	resp = ask(t, ca, query("apple.example.org.", dns.TypeA))
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: appleAt("192.0.2.9", 60)}); err != nil {
		t.Fatal(err)
	}
}

// TestServeStaleVerify checks that verify mode asks the backend first and
// falls back to the stale entry only when that fails.
func TestServeStaleVerify(t *testing.T) {
	b := newBackend()
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 60), nil))
	ca, clk := newTestCache(t, "cache {\n serve_stale 1h verify\n}", b)
	stale := test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 0)}
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: test.Case{Authoritative: true, Answer: appleAt("192.0.2.1", 60)}, calls: 1},
	})

	// SERVFAIL written by the backend: the stale entry answers.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeServerFailure, nil, nil))
	run(t, ca, clk, b, []step{
		{advance: 2 * time.Minute, q: query("apple.example.org.", dns.TypeA), want: stale, calls: 2},
		{q: query("apple.example.org.", dns.TypeA), want: stale, calls: 3},
	})
	// Nothing written at all: the stale entry answers.
	b.set("apple.example.org.", dns.TypeA, nil)
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: stale, calls: 4},
	})
	// A good answer goes to the client and is stored.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.7", 60), nil))
	run(t, ca, clk, b, []step{
		{q: query("apple.example.org.", dns.TypeA), want: test.Case{Authoritative: true, Answer: appleAt("192.0.2.7", 60)}, calls: 5},
		{advance: 10 * time.Second, q: query("apple.example.org.", dns.TypeA), want: test.Case{Authoritative: true, Answer: appleAt("192.0.2.7", 50)}, calls: 5},
	})
	// So does an NXDOMAIN.
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeNameError, nil, exampleSOA))
	run(t, ca, clk, b, []step{
		{advance: time.Minute, q: query("apple.example.org.", dns.TypeA), want: test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soaTTL(45)}}, calls: 6},
	})
}

// TestServeStaleKeepTTL checks that stale answers carry TTL 0 even with
// keepttl.
func TestServeStaleKeepTTL(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 60), nil))
	ca, clk := newTestCache(t, "cache {\n serve_stale\n keepttl\n}", b)
	ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	b.set("apple.example.org.", dns.TypeA, nil)
	clk.advance(61 * time.Second)
	resp := ask(t, ca, query("apple.example.org.", dns.TypeA))
	waitDone(t, b, 1)
	wantTTLs(t, resp, 0)
}
