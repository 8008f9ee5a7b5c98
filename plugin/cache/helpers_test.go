package cache

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// clock is a settable clock for a Cache under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// backend plays the next plugin: it answers from a table of records keyed
// by lowercased "name type", counts the queries it sees and can be told to
// fail.
type backend struct {
	mu      sync.Mutex
	answers map[string]func(r *dns.Msg) *dns.Msg
	calls   atomic.Int32
	done    chan struct{} // receives after every query, when not nil
	block   chan struct{} // when not nil, queries wait for it to close
}

func newBackend() *backend {
	return &backend{answers: map[string]func(r *dns.Msg) *dns.Msg{}}
}

// set makes the backend answer name/qtype with what reply returns.
func (b *backend) set(name string, qtype uint16, reply func(r *dns.Msg) *dns.Msg) {
	b.mu.Lock()
	b.answers[strings.ToLower(name)+" "+dns.TypeToString[qtype]] = reply
	b.mu.Unlock()
}

func (b *backend) Name() string { return "backend" }

func (b *backend) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	b.calls.Add(1)
	if b.done != nil {
		defer func() { b.done <- struct{}{} }()
	}
	b.mu.Lock()
	block := b.block
	b.mu.Unlock()
	if block != nil {
		<-block
	}
	q := r.Question[0]
	b.mu.Lock()
	f := b.answers[strings.ToLower(q.Name)+" "+dns.TypeToString[q.Qtype]]
	b.mu.Unlock()
	if f == nil {
		return dns.RcodeServerFailure, nil // nothing written
	}
	m := f(r)
	w.WriteMsg(m)
	return m.Rcode, nil
}

// hold makes queries wait until the returned function is called.
func (b *backend) hold() (release func()) {
	ch := make(chan struct{})
	b.mu.Lock()
	b.block = ch
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.block = nil
		b.mu.Unlock()
		close(ch)
	}
}

// answer returns a reply function giving rcode, the AA bit and records.
func answer(rcode int, answer, ns []dns.RR) func(r *dns.Msg) *dns.Msg {
	return func(r *dns.Msg) *dns.Msg {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		m.Authoritative = true
		m.Answer = copyRRs(answer)
		m.Ns = copyRRs(ns)
		return m
	}
}

// newTestCache parses corefile (a cache directive) and puts the Cache in
// front of b with a settable clock.
func newTestCache(t testing.TB, corefile string, b *backend) (*Cache, *clock) {
	t.Helper()
	c := caddy.NewTestController("dns", corefile)
	c.ServerBlockKeys = []string{".:53"}
	ca, err := parse(c)
	if err != nil {
		t.Fatalf("parse %q: %v", corefile, err)
	}
	clk := newClock()
	ca.now = clk.now
	ca.Next = b
	return ca, clk
}

// writeCounter counts the messages written to the client.
type writeCounter struct {
	test.ResponseWriter
	n atomic.Int32
}

func (w *writeCounter) WriteMsg(*dns.Msg) error { w.n.Add(1); return nil }

// ask sends a query for name/qtype through ca and returns the reply,
// failing the test unless exactly one message was written.
func ask(t testing.TB, ca *Cache, m *dns.Msg) *dns.Msg {
	t.Helper()
	wc := &writeCounter{}
	rec := dnstest.NewRecorder(wc)
	if _, err := ca.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatalf("ServeDNS: %v", err)
	}
	if n := wc.n.Load(); n != 1 {
		t.Fatalf("query %s: %d messages written to the client, want 1", m.Question[0].Name, n)
	}
	return rec.Msg
}

// query returns a query for name/qtype with id 1234 and RD set.
func query(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.Id = 1234
	return m
}

// ttls returns the TTLs of every record in m, section by section.
func ttls(m *dns.Msg) []uint32 {
	var out []uint32
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, r := range sec {
			if r.Header().Rrtype != dns.TypeOPT {
				out = append(out, r.Header().Ttl)
			}
		}
	}
	return out
}

// wantTTLs fails unless every record of m has TTL want.
func wantTTLs(t testing.TB, m *dns.Msg, want uint32) {
	t.Helper()
	got := ttls(m)
	if len(got) == 0 {
		t.Fatalf("reply has no records:\n%v", m)
	}
	for _, ttl := range got {
		if ttl != want {
			t.Fatalf("TTLs %v, want all %d", got, want)
		}
	}
}

// waitCalls waits until b has seen n queries.
func waitCalls(t testing.TB, b *backend, n int32) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for b.calls.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("backend saw %d queries, want %d", b.calls.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
