package autopath

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// autoPathCount counts queries answered from a search path element.
var autoPathCount = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "autopath",
	Name:      "success_total",
	Help:      "Counter of requests that did autopath.",
}, []string{"server"})

var registerOnce sync.Once

// registerMetrics adds the collector to the default Prometheus registry,
// which the prometheus plugin serves, once per process.
func registerMetrics() {
	registerOnce.Do(func() {
		if err := prometheus.DefaultRegisterer.Register(autoPathCount); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				log.Warningf("Failed to register metric: %s", err)
			}
		}
	})
}
