// Package plugin is the API every CoreDNS plugin is written against: the
// Handler interface, chaining helpers, registration and shared constants.
package plugin

import (
	"context"
	"errors"
	"fmt"

	"github.com/coredns/caddy"
	"github.com/miekg/dns"
	ot "github.com/opentracing/opentracing-go"
)

type (
	// Plugin wraps the next handler in the chain and returns the new handler.
	Plugin func(Handler) Handler

	// Handler answers DNS queries. ServeDNS returns the response code and an
	// error; when the code is one for which ClientWrite is false the server
	// writes the error response itself.
	Handler interface {
		ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)
		Name() string
	}

	// HandlerFunc adapts an ordinary function to the Handler interface.
	HandlerFunc func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)
)

// ServeDNS calls f.
func (f HandlerFunc) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return f(ctx, w, r)
}

// Name returns the fixed name "handlerfunc".
func (f HandlerFunc) Name() string { return "handlerfunc" }

// Error wraps err with the plugin's name, as "plugin/NAME: err".
func Error(name string, err error) error { return fmt.Errorf("%s/%s: %s", "plugin", name, err) }

// errNoNext is returned when a plugin has nothing after it in the chain.
var errNoNext = errors.New("no next plugin found")

// NextOrFailure calls next.ServeDNS, or returns SERVFAIL with an error when
// there is no next handler.
func NextOrFailure(name string, next Handler, ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) { //nolint:revive // signature fixed by the CoreDNS API
	if next != nil {
		if t, ok := w.(PluginTracker); ok {
			t.SetPlugin(next.Name())
		}
		if span := ot.SpanFromContext(ctx); span != nil {
			// The query is traced: the next plugin gets a span of its own.
			child := span.Tracer().StartSpan(next.Name(), ot.ChildOf(span.Context()))
			defer child.Finish()
			ctx = ot.ContextWithSpan(ctx, child)
		}
		return next.ServeDNS(ctx, w, r)
	}
	return dns.RcodeServerFailure, Error(name, errNoNext)
}

// ClientWrite reports whether a handler returning rcode has already written
// the response to the client. For SERVFAIL, REFUSED, FORMERR and NOTIMP it has
// not, and the server writes the reply.
func ClientWrite(rcode int) bool {
	switch rcode {
	case dns.RcodeServerFailure, dns.RcodeRefused, dns.RcodeFormatError, dns.RcodeNotImplemented:
		return false
	}
	return true
}

// Namespace is the Prometheus namespace of every CoreDNS metric.
const Namespace = "coredns"

// TimeBuckets are the histogram buckets, in seconds, used for durations.
var TimeBuckets = []float64{0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192}

// SlimTimeBuckets is a coarser set of duration buckets for high-cardinality metrics.
var SlimTimeBuckets = []float64{0.00025, 0.001, 0.004, 0.016, 0.064, 0.256, 1.024, 4.096}

// NativeHistogramBucketFactor is the growth factor of native histogram buckets.
var NativeHistogramBucketFactor = 1.05

// ErrOnce is returned by a setup function when a plugin that may appear only
// once in a server block is given twice.
var ErrOnce = errors.New("this plugin can only be used once per Server Block")

// Register registers a plugin's setup function with Caddy for the dns server type.
func Register(name string, action caddy.SetupFunc) {
	caddy.RegisterPlugin(name, caddy.Plugin{ServerType: "dns", Action: action})
}

// PluginTracker is implemented by response writers that record which plugin
// wrote the response.
type PluginTracker interface { //nolint:revive // name fixed by the CoreDNS API
	SetPlugin(name string)
	GetPlugin() string
}

// Done reports whether ctx has been cancelled or has expired.
func Done(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	default:
		return false
	}
}
