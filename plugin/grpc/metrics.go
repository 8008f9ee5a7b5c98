package grpc

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors of the grpc plugin, labelled by upstream address ("to").
var (
	// RequestCount counts the queries answered by each upstream.
	RequestCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "grpc",
		Name:      "requests_total",
		Help:      "Counter of requests made per upstream.",
	}, []string{"to"})
	// RcodeCount counts the responses of each upstream by rcode.
	RcodeCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "grpc",
		Name:      "responses_total",
		Help:      "Counter of responses received per upstream.",
	}, []string{"rcode", "to"})
	// RequestDuration observes how long each upstream took to answer.
	RequestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: plugin.Namespace,
		Subsystem: "grpc",
		Name:      "request_duration_seconds",
		Buckets:   plugin.TimeBuckets,
		Help:      "Histogram of the time each request took.",
	}, []string{"to"})
)

var registerOnce sync.Once

// collectors lists the grpc metrics.
func collectors() []prometheus.Collector {
	return []prometheus.Collector{RequestCount, RcodeCount, RequestDuration}
}

// registerMetrics adds the collectors to the default Prometheus registry,
// which the prometheus plugin serves, once per process.
func registerMetrics() {
	registerOnce.Do(func() {
		for _, c := range collectors() {
			if err := prometheus.DefaultRegisterer.Register(c); err != nil {
				var are prometheus.AlreadyRegisteredError
				if !errors.As(err, &are) {
					log.Warningf("Failed to register metric: %s", err)
				}
			}
		}
	})
}
