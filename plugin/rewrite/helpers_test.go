package rewrite

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// newRewrite builds the plugin from Corefile lines, in front of next.
func newRewrite(t testing.TB, corefile string, next *backend) Rewrite {
	t.Helper()
	rules, err := rewriteParse(caddy.NewTestController("dns", corefile))
	if err != nil {
		t.Fatalf("%q: %v", corefile, err)
	}
	return Rewrite{Next: next, Rules: rules}
}

// backend stands for the rest of the chain: it keeps a copy of the
// request it got and answers with the records given, or returns rcode
// without writing when write is false.
type backend struct {
	answer, ns, extra []dns.RR
	rcode             int
	write             bool
	echoOPT           bool // copy the request's OPT record into the reply
	writer            func(w dns.ResponseWriter, m *dns.Msg)

	got   *dns.Msg
	calls int
}

func answering(answer, ns, extra []dns.RR) *backend {
	return &backend{answer: answer, ns: ns, extra: extra, write: true}
}

func (b *backend) Name() string { return "backend" }

func (b *backend) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	b.calls++
	b.got = r.Copy()
	if !b.write {
		return b.rcode, nil
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Rcode = b.rcode
	m.Answer, m.Ns, m.Extra = b.answer, b.ns, b.extra
	if o := r.IsEdns0(); o != nil && b.echoOPT {
		c := *o
		c.Option = append([]dns.EDNS0(nil), o.Option...)
		m.Extra = append(append([]dns.RR(nil), m.Extra...), &c)
	}
	if b.writer != nil {
		b.writer(w, m)
		return dns.RcodeSuccess, nil
	}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

// serve runs req through rw and returns the reply the client got, the
// rcode and error ServeDNS returned. It fails the test if req changed.
func serve(t *testing.T, rw Rewrite, req *dns.Msg, w dns.ResponseWriter) (*dns.Msg, int, error) {
	t.Helper()
	before := req.String()
	if w == nil {
		w = &test.ResponseWriter{}
	}
	rec := dnstest.NewRecorder(w)
	rcode, err := rw.ServeDNS(context.Background(), rec, req)
	if after := req.String(); after != before {
		t.Errorf("the client's request was modified:\nbefore %s\nafter  %s", before, after)
	}
	return rec.Msg, rcode, err
}

// newQueryMsg returns a query for name and type, with an OPT record when opts
// is not nil.
func newQueryMsg(name string, qtype uint16, opts ...dns.EDNS0) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	if opts != nil {
		o := test.OPT(1232, false)
		o.Option = opts
		m.Extra = append(m.Extra, o)
	}
	return m
}

// checkQuestion fails unless the reply carries exactly the question of req.
func checkQuestion(t *testing.T, name string, req, reply *dns.Msg) {
	t.Helper()
	if reply == nil {
		t.Fatalf("%s: no reply written", name)
	}
	if len(reply.Question) != 1 || reply.Question[0] != req.Question[0] {
		t.Errorf("%s: reply question %v, want %v", name, reply.Question, req.Question)
	}
	if reply.Id != req.Id {
		t.Errorf("%s: reply id %d, want %d", name, reply.Id, req.Id)
	}
}

// captureHandler keeps the request pointer it got and calls next.
type captureHandler struct {
	next *backend
	got  **dns.Msg
}

func (c *captureHandler) Name() string { return "capture" }

func (c *captureHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	*c.got = r
	return c.next.ServeDNS(ctx, w, r)
}
