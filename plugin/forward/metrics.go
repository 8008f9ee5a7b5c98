package forward

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors of the forward plugin; the per-upstream ones live in
// plugin/pkg/proxy.
var (
	// healthcheckBrokenCount counts queries sent to a random upstream
	// because every upstream was down.
	healthcheckBrokenCount = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "forward",
		Name:      "healthcheck_broken_total",
		Help:      "Counter of the number of complete failures of the healthchecks.",
	})

	// maxConcurrentRejectCount counts queries refused by max_concurrent.
	maxConcurrentRejectCount = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "forward",
		Name:      "max_concurrent_rejects_total",
		Help:      "Counter of the number of queries rejected because the concurrent queries were at maximum.",
	})
)

var registerOnce sync.Once

// collectors lists the forward metrics.
func collectors() []prometheus.Collector {
	return []prometheus.Collector{healthcheckBrokenCount, maxConcurrentRejectCount}
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
