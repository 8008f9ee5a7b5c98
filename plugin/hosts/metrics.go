package hosts

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors of the hosts plugin.
var (
	hostsEntries = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: "hosts",
		Name:      "entries",
		Help:      "The combined number of entries in hosts and Corefile.",
	}, []string{"hostsfile"})

	hostsReloadTime = prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: "hosts",
		Name:      "reload_timestamp_seconds",
		Help:      "The timestamp of the last reload of hosts file.",
	})
)

// collectors lists the hosts metrics.
func collectors() []prometheus.Collector {
	return []prometheus.Collector{hostsEntries, hostsReloadTime}
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
