package test

import (
	"context"
	"errors"
	"testing"

	"github.com/miekg/dns"
)

// capture is a ResponseWriter that keeps the last message written.
type capture struct {
	ResponseWriter
	msg *dns.Msg
}

func (c *capture) WriteMsg(m *dns.Msg) error { c.msg = m; return nil }

func TestHandlerFunc(t *testing.T) {
	called := false
	h := HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		called = true
		return dns.RcodeRefused, nil
	})
	var _ Handler = h
	if h.Name() != "handlerfunc" {
		t.Errorf("Name() = %q", h.Name())
	}
	rcode, err := h.ServeDNS(context.Background(), &ResponseWriter{}, new(dns.Msg))
	if !called || rcode != dns.RcodeRefused || err != nil {
		t.Errorf("ServeDNS = %d, %v (called %v)", rcode, err, called)
	}
}

func TestErrorHandler(t *testing.T) {
	q := Case{Qname: "example.org.", Qtype: dns.TypeAAAA}.Msg()
	w := &capture{}
	rcode, err := ErrorHandler().ServeDNS(context.Background(), w, q)
	if rcode != dns.RcodeServerFailure || err != nil {
		t.Errorf("ServeDNS = %d, %v; want SERVFAIL, nil", rcode, err)
	}
	if w.msg == nil {
		t.Fatal("nothing written")
	}
	if w.msg.Rcode != dns.RcodeServerFailure || !w.msg.Response || w.msg.Id != q.Id {
		t.Errorf("bad reply header: %v", w.msg.MsgHdr)
	}
	if len(w.msg.Question) != 1 || w.msg.Question[0] != q.Question[0] {
		t.Errorf("question not copied: %v", w.msg.Question)
	}
}

func TestNextHandler(t *testing.T) {
	boom := errors.New("boom")
	for _, tt := range []struct {
		rcode int
		err   error
	}{{dns.RcodeSuccess, nil}, {dns.RcodeNameError, nil}, {dns.RcodeServerFailure, boom}} {
		w := &capture{}
		rcode, err := NextHandler(tt.rcode, tt.err).ServeDNS(context.Background(), w, new(dns.Msg))
		if rcode != tt.rcode || !errors.Is(err, tt.err) {
			t.Errorf("got %d, %v; want %d, %v", rcode, err, tt.rcode, tt.err)
		}
		if w.msg != nil {
			t.Errorf("NextHandler wrote %v", w.msg)
		}
	}
}
