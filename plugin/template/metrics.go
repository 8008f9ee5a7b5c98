package template

import (
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

// Collectors of the template plugin.
var (
	// templateMatchesCount counts queries a template answered.
	templateMatchesCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "matches_total",
		Help:      "Queries answered by a template, per zone, class and type.",
	}, []string{"server", "zone", "view", "class", "type"})

	// templateFailureCount counts failed executions of a Go template.
	templateFailureCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "template_failures_total",
		Help:      "Go template executions that failed, per section and template.",
	}, []string{"server", "zone", "view", "class", "type", "section", "template"})

	// templateRRFailureCount counts templated records that did not parse.
	templateRRFailureCount = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "rr_failures_total",
		Help:      "Templated records that could not be parsed, per section and template.",
	}, []string{"server", "zone", "view", "class", "type", "section", "template"})
)

var registerOnce sync.Once

// collectors lists the template metrics.
func collectors() []prometheus.Collector {
	return []prometheus.Collector{templateMatchesCount, templateFailureCount, templateRRFailureCount}
}

// registerMetrics adds the collectors to the default Prometheus registry,
// which the prometheus plugin serves, once per process. A collector somebody
// registered before is left as it is.
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
