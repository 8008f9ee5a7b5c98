package shed

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/prometheus/client_golang/prometheus"
)

// Values of the reason label of DroppedCount.
const (
	// reasonEvicted: a queued response was thrown away to make room for a
	// newer one.
	reasonEvicted = "evicted"
	// reasonOverload: a query was dropped on arrival because its socket's
	// stack was full.
	reasonOverload = "overload"
)

// DroppedCount counts the responses and queries shed, by server and reason.
var DroppedCount = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "shed",
	Name:      "dropped_total",
	Help:      "Counter of UDP responses and queries dropped by shed, by reason (evicted, overload).",
}, []string{"server", "reason"})

var log = clog.NewWithPlugin(name)

var registerOnce sync.Once

// registerMetrics adds the collectors to the default Prometheus registry,
// which the prometheus plugin serves, once per process.
func registerMetrics() {
	registerOnce.Do(func() {
		if err := prometheus.DefaultRegisterer.Register(DroppedCount); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				log.Warningf("Failed to register metric: %s", err)
			}
		}
	})
}
