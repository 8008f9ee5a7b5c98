package dnssec

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors of the dnssec plugin.
var (
	cacheSize = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: "dnssec",
		Name:      "cache_entries",
		Help:      "The number of elements in the dnssec cache.",
	}, []string{"server", "type"})

	cacheHits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "dnssec",
		Name:      "cache_hits_total",
		Help:      "The count of cache hits.",
	}, []string{"server"})

	cacheMisses = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "dnssec",
		Name:      "cache_misses_total",
		Help:      "The count of cache misses.",
	}, []string{"server"})
)

// typeSignature is the value of the type label of cacheSize.
const typeSignature = "signature"

func collectors() []prometheus.Collector {
	return []prometheus.Collector{cacheSize, cacheHits, cacheMisses}
}

var registerOnce sync.Once

// registerMetrics adds the collectors to the default registry once.
func registerMetrics() {
	registerOnce.Do(func() {
		for _, col := range collectors() {
			if err := prometheus.DefaultRegisterer.Register(col); err != nil {
				var are prometheus.AlreadyRegisteredError
				if !errors.As(err, &are) {
					log.Warningf("Failed to register metric: %s", err)
				}
			}
		}
	})
}
