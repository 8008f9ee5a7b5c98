package nomad

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Collectors of the nomad plugin, in the default Prometheus registry that the
// prometheus plugin serves.
var (
	// successCount counts queries for which Nomad answered the service lookup.
	successCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "nomad",
		Name:      "success_requests_total",
		Help:      "Queries answered from a successful Nomad service lookup, per server and namespace.",
	}, []string{"server", "namespace"})

	// failedCount counts queries for which no Nomad agent could be asked.
	failedCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "nomad",
		Name:      "failed_requests_total",
		Help:      "Queries whose Nomad service lookup failed on every agent, per server and namespace.",
	}, []string{"server", "namespace"})
)
