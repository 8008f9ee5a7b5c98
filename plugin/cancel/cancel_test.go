package cancel

import (
	"context"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// slowHandler waits for the context to end, then reports how it ended
// without writing a reply, as cancel-aware plugins should.
type slowHandler struct{}

func (slowHandler) Name() string { return "slow" }

func (slowHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-time.After(5 * time.Second):
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	}
}

func TestCancelExpires(t *testing.T) {
	c := Cancel{Next: slowHandler{}, timeout: 20 * time.Millisecond}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)

	start := time.Now()
	rcode, err := c.ServeDNS(context.Background(), rec, m)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("ServeDNS took %v, the context was not cancelled", took)
	}
	if rcode != 0 || err != context.DeadlineExceeded {
		t.Errorf("got %d, %v; want 0, deadline exceeded", rcode, err)
	}
	if rec.Msg != nil {
		t.Errorf("a reply was written: %v", rec.Msg)
	}
}

func TestCancelPassesThrough(t *testing.T) {
	var deadline time.Time
	var done bool
	next := plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		deadline, _ = ctx.Deadline()
		done = plugin.Done(ctx)
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A("example.org. 5 IN A 192.0.2.1")}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	})
	c := Cancel{Next: next, timeout: defaultTimeout}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 5 IN A 192.0.2.1")}}

	start := time.Now()
	if _, err := c.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
	if done {
		t.Error("context already done inside the chain")
	}
	if d := deadline.Sub(start); d < 5*time.Second || d > 6*time.Second {
		t.Errorf("deadline %v after start, want about 5001ms", d)
	}
}

func TestCancelNoNext(t *testing.T) {
	c := Cancel{timeout: time.Second}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	rcode, err := c.ServeDNS(context.Background(), &test.ResponseWriter{}, m)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL and an error", rcode, err)
	}
}
