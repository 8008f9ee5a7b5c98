package proxy

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors shared by every proxy; proxy_name tells the plugins apart.
var (
	requestDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace:                   plugin.Namespace,
		Subsystem:                   "proxy",
		Name:                        "request_duration_seconds",
		Buckets:                     plugin.TimeBuckets,
		NativeHistogramBucketFactor: plugin.NativeHistogramBucketFactor,
		Help:                        "Histogram of the time each request to an upstream took, per upstream and rcode.",
	}, []string{"proxy_name", "to", "rcode"})

	healthcheckFailureCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "proxy",
		Name:      "healthcheck_failures_total",
		Help:      "Counter of the number of failed health checks per upstream.",
	}, []string{"proxy_name", "to"})

	connCacheHitsCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "proxy",
		Name:      "conn_cache_hits_total",
		Help:      "Counter of connection cache hits per upstream and protocol.",
	}, []string{"proxy_name", "to", "proto"})

	connCacheMissesCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "proxy",
		Name:      "conn_cache_misses_total",
		Help:      "Counter of connection cache misses per upstream and protocol.",
	}, []string{"proxy_name", "to", "proto"})
)

var registerOnce sync.Once

// registerMetrics puts the collectors in the default Prometheus registry,
// the one the prometheus plugin serves. It runs once, when the first Proxy
// is made, so a binary that never proxies does not export them.
func registerMetrics() {
	registerOnce.Do(func() {
		for _, c := range []prometheus.Collector{requestDuration, healthcheckFailureCount, connCacheHitsCount, connCacheMissesCount} {
			if err := prometheus.DefaultRegisterer.Register(c); err != nil {
				var are prometheus.AlreadyRegisteredError
				if !errors.As(err, &are) {
					log.Warningf("Failed to register metric: %s", err)
				}
			}
		}
	})
}
