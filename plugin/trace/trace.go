// Package trace implements the trace plugin: every query (or one in every N)
// becomes an OpenTracing span, with a child span for each plugin it passes
// through, reported to a Zipkin collector.
package trace

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/rcode"
	pkgtrace "github.com/coredns/coredns/plugin/pkg/trace"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	opentracing "github.com/opentracing/opentracing-go"
	"github.com/opentracing/opentracing-go/ext"
	otlog "github.com/opentracing/opentracing-go/log"
	zipkinot "github.com/openzipkin-contrib/zipkin-go-opentracing"
	"github.com/openzipkin/zipkin-go/reporter"
)

const (
	defaultEndpointType     = "zipkin"
	defaultEndpoint         = "localhost:9411"
	defaultServiceName      = "coredns"
	defaultMaxBacklogSize   = 1000
	defaultMaxBatchSize     = 100
	defaultMaxBatchInterval = time.Second

	// rootSpanName is the operation name of the span of a whole query.
	rootSpanName = "servedns"

	tagName   = "coredns.io/name"
	tagType   = "coredns.io/type"
	tagRcode  = "coredns.io/rcode"
	tagProto  = "coredns.io/proto"
	tagRemote = "coredns.io/remote"

	metaTraceID = "trace/traceid"
)

// Trace is the trace plugin. It implements plugin/pkg/trace.Trace, which is
// how the server and other plugins reach its tracer.
type Trace struct {
	Next         plugin.Handler
	EndpointType string
	Endpoint     string // the collector's URL

	every            uint64 // trace one query in every; 0 traces none
	count            atomic.Uint64
	serviceName      string
	clientServer     bool
	analyticsRate    float64 // datadog only; parsed but unused
	maxBacklogSize   int
	maxBatchSize     int
	maxBatchInterval time.Duration

	tracer   opentracing.Tracer
	reporter reporter.Reporter

	config *dnsserver.Config
}

var _ pkgtrace.Trace = (*Trace)(nil)

// Name implements plugin.Handler.
func (t *Trace) Name() string { return name }

// Tracer returns the OpenTracing tracer; nil before start-up.
func (t *Trace) Tracer() opentracing.Tracer { return t.tracer }

// OnStartup makes the tracer and its reporter, unless one is set already.
func (t *Trace) OnStartup() error {
	if t.tracer != nil {
		return nil
	}
	tr, rep, err := newZipkin(t)
	if err != nil {
		return plugin.Error(name, err)
	}
	t.tracer, t.reporter = tr, rep
	return nil
}

// OnShutdown flushes what the reporter still holds and stops it. A collector
// that cannot be reached then is logged, not treated as a failed shutdown.
func (t *Trace) OnShutdown() error {
	if t.reporter == nil {
		return nil
	}
	if err := t.reporter.Close(); err != nil {
		log.Warningf("spans not sent at shutdown: %v", err)
	}
	t.reporter = nil
	return nil
}

// ServeDNS implements plugin.Handler.
func (t *Trace) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if t.tracer == nil || !t.sample() || opentracing.SpanFromContext(ctx) != nil {
		// Not traced, or already inside a traced query that re-entered the
		// server: the plugins' spans hang off the outer query's span.
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}

	span := t.tracer.StartSpan(rootSpanName)
	defer span.Finish()
	metadata.SetValueFunc(ctx, metaTraceID, func() string { return traceID(span) })

	rw := dnstest.NewRecorder(w)
	status, err := plugin.NextOrFailure(t.Name(), t.Next, opentracing.ContextWithSpan(ctx, span), rw, r)

	state := request.Request{W: w, Req: r}
	span.SetTag(tagName, state.Name())
	span.SetTag(tagType, state.Type())
	span.SetTag(tagProto, state.Proto())
	span.SetTag(tagRemote, state.IP())
	rc := rw.Rcode
	if !plugin.ClientWrite(status) {
		// The server writes this reply after we return.
		rc = status
	}
	span.SetTag(tagRcode, rcode.ToString(rc))
	if err != nil {
		ext.Error.Set(span, true)
		span.LogFields(otlog.Error(err))
	}
	return status, err
}

// sample reports whether this query is one to trace.
func (t *Trace) sample() bool {
	switch t.every {
	case 0:
		return false
	case 1:
		return true
	}
	return t.count.Add(1)%t.every == 0
}

// traceID returns the identifier of the trace span belongs to, as the
// collector shows it.
func traceID(span opentracing.Span) string {
	switch sc := span.Context().(type) {
	case zipkinot.SpanContext:
		return sc.TraceID.String()
	}
	return ""
}
