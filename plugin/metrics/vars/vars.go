// Package vars holds the server-wide Prometheus collectors (requests,
// responses, sizes, durations, panics) and Report, which updates them for one
// answered query. The collectors live in the default Prometheus registry, the
// one the prometheus plugin serves.
package vars

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

const subsystem = "dns"

var sizeBuckets = []float64{0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3}

// Collectors of the server metrics.
var (
	// RequestCount counts queries by server, zone, view, proto, family and type.
	RequestCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "requests_total",
		Help:      "Counter of DNS requests made per zone, protocol and family.",
	}, []string{"server", "zone", "view", "proto", "family", "type"})

	// RequestDuration observes the time from query to response.
	RequestDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace:                   plugin.Namespace,
		Subsystem:                   subsystem,
		Name:                        "request_duration_seconds",
		Buckets:                     plugin.TimeBuckets,
		NativeHistogramBucketFactor: plugin.NativeHistogramBucketFactor,
		Help:                        "Histogram of the time (in seconds) each request took per zone.",
	}, []string{"server", "zone", "view"})

	// RequestSize observes query sizes in bytes.
	RequestSize = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "request_size_bytes",
		Help:      "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.",
		Buckets:   sizeBuckets,
	}, []string{"server", "zone", "view", "proto"})

	// RequestDo counts queries with the DO bit set.
	RequestDo = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "do_requests_total",
		Help:      "Counter of DNS requests with DO bit set per zone.",
	}, []string{"server", "zone", "view"})

	// ResponseSize observes response sizes in bytes.
	ResponseSize = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "response_size_bytes",
		Help:      "Size of the returned response in bytes.",
		Buckets:   sizeBuckets,
	}, []string{"server", "zone", "view", "proto"})

	// ResponseRcode counts responses by rcode and the plugin that wrote them.
	ResponseRcode = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "responses_total",
		Help:      "Counter of response status codes.",
	}, []string{"server", "zone", "view", "rcode", "plugin"})

	// Panic counts recovered plugin panics.
	Panic = promauto.NewCounter(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Name:      "panics_total",
		Help:      "A metrics that counts the number of panics.",
	})

	// PluginEnabled is 1 for every plugin in use per server, zone and view.
	PluginEnabled = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Name:      "plugin_enabled",
		Help:      "A metric that indicates whether a plugin is enabled on per server and zone basis.",
	}, []string{"server", "zone", "view", "name"})

	// HTTPSResponsesCount counts DoH responses by HTTP status.
	HTTPSResponsesCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "https_responses_total",
		Help:      "Counter of DoH responses per server and http status code.",
	}, []string{"server", "status"})

	// HTTPS3ResponsesCount counts DoH3 responses by HTTP status.
	HTTPS3ResponsesCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "https3_responses_total",
		Help:      "Counter of DoH3 responses per server and http status code.",
	}, []string{"server", "status"})

	// QUICResponsesCount counts DoQ responses by status.
	QUICResponsesCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: subsystem,
		Name:      "quic_responses_total",
		Help:      "Counter of DoQ responses per server and QUIC application code.",
	}, []string{"server", "status"})
)

// Dropped is the zone label of queries no zone accepted.
const Dropped = "dropped"
