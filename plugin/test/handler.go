package test

import (
	"context"

	"github.com/miekg/dns"
)

// Handler is the interface plugins implement; it is repeated here so this
// package does not have to import plugin.
type Handler interface {
	Name() string
	ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)
}

// HandlerFunc turns a function into a Handler.
type HandlerFunc func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)

// ServeDNS calls f.
func (f HandlerFunc) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return f(ctx, w, r)
}

// Name returns "handlerfunc".
func (f HandlerFunc) Name() string { return "handlerfunc" }

// ErrorHandler returns a Handler that answers every query with SERVFAIL.
func ErrorHandler() Handler {
	return HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeServerFailure)
		w.WriteMsg(m)
		return dns.RcodeServerFailure, nil
	})
}

// NextHandler returns a Handler that writes nothing and returns rcode and err;
// use it as the next plugin in a chain under test.
func NextHandler(rcode int, err error) Handler {
	return HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		return rcode, err
	})
}
