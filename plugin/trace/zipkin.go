package trace

import (
	stdlog "log"
	"net"
	"strings"

	"github.com/opentracing/opentracing-go"
	zipkinot "github.com/openzipkin-contrib/zipkin-go-opentracing"
	"github.com/openzipkin/zipkin-go"
	"github.com/openzipkin/zipkin-go/reporter"
	zipkinhttp "github.com/openzipkin/zipkin-go/reporter/http"
)

// newZipkin makes an OpenTracing tracer that batches spans to t.Endpoint
// over HTTP. The reporter runs goroutines until it is closed.
func newZipkin(t *Trace) (opentracing.Tracer, reporter.Reporter, error) {
	endpoint, err := zipkin.NewEndpoint(t.serviceName, t.localHostPort())
	if err != nil {
		return nil, nil, err
	}
	rep := zipkinhttp.NewReporter(t.Endpoint,
		zipkinhttp.MaxBacklog(t.maxBacklogSize),
		zipkinhttp.BatchSize(t.maxBatchSize),
		zipkinhttp.BatchInterval(t.maxBatchInterval),
		zipkinhttp.Logger(stdlog.New(logWriter{}, "", 0)),
	)
	tr, err := zipkin.NewTracer(rep,
		zipkin.WithLocalEndpoint(endpoint),
		zipkin.WithSharedSpans(t.clientServer),
	)
	if err != nil {
		rep.Close()
		return nil, nil, err
	}
	return zipkinot.Wrap(tr), rep, nil
}

// localHostPort is the address the spans name as this service's: the
// server's listen address when it is a literal IP, otherwise none (an empty
// or wildcard host would make the zipkin library look up a host name).
func (t *Trace) localHostPort() string {
	if t.config == nil || len(t.config.ListenHosts) == 0 {
		return ""
	}
	host := t.config.ListenHosts[0]
	ip := net.ParseIP(host)
	if ip == nil || ip.IsUnspecified() {
		return ""
	}
	return net.JoinHostPort(host, t.config.Port)
}

// logWriter hands the reporter's messages (failed sends, mostly) to our log.
type logWriter struct{}

func (logWriter) Write(p []byte) (int, error) {
	log.Warning(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
