package object

import (
	"time"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// DNSProgrammingLatency is the time from a change of a service's endpoints
// (the last-change-trigger-time annotation of its EndpointSlice) until the
// change reached this DNS server. See the Kubernetes DNS programming latency
// SLI.
var DNSProgrammingLatency = promauto.NewHistogramVec(prometheus.HistogramOpts{
	Namespace: plugin.Namespace,
	Subsystem: "kubernetes",
	Name:      "dns_programming_duration_seconds",
	// 1 ms doubling up to about 9 minutes.
	Buckets: prometheus.ExponentialBuckets(0.001, 2, 20),
	Help:    "Histogram of the time (in seconds) it took to program a dns instance.",
}, []string{"service_kind"})

// RecordProgrammingLatency observes the programming duration of slice e of a
// service of the given kind, when e carries a trigger time. Only headless
// services with a selector are measured: for them endpoint changes alter
// the answers, and their slices are written by the endpoint controller.
func RecordProgrammingLatency(e *EndpointSlice, kind string, now time.Time) {
	if e.Trigger.IsZero() || kind != "headless_with_selector" {
		return
	}
	DNSProgrammingLatency.WithLabelValues(kind).Observe(now.Sub(e.Trigger).Seconds())
}
