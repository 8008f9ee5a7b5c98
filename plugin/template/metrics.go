package template

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Collectors of the template plugin.
var (
	// templateMatchesCount counts queries a template answered.
	templateMatchesCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "matches_total",
		Help:      "Queries answered by a template, per zone, class and type.",
	}, []string{"server", "zone", "view", "class", "type"})

	// templateFailureCount counts failed executions of a Go template.
	templateFailureCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "template_failures_total",
		Help:      "Go template executions that failed, per section and template.",
	}, []string{"server", "zone", "view", "class", "type", "section", "template"})

	// templateRRFailureCount counts templated records that did not parse.
	templateRRFailureCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "template",
		Name:      "rr_failures_total",
		Help:      "Templated records that could not be parsed, per section and template.",
	}, []string{"server", "zone", "view", "class", "type", "section", "template"})
)
