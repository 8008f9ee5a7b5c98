package acl

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Collectors of the acl plugin, in the default Prometheus registry that the
// prometheus plugin serves.
var (
	// blockedCount counts queries answered REFUSED by a block policy.
	blockedCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "acl",
		Name:      "blocked_requests_total",
		Help:      "Queries refused by an acl block policy, per server, zone and view.",
	}, []string{"server", "zone", "view"})

	// filteredCount counts queries answered with an empty NOERROR by a
	// filter policy.
	filteredCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "acl",
		Name:      "filtered_requests_total",
		Help:      "Queries given an empty answer by an acl filter policy, per server, zone and view.",
	}, []string{"server", "zone", "view"})

	// allowedCount counts queries passed on to the next plugin.
	allowedCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "acl",
		Name:      "allowed_requests_total",
		Help:      "Queries an acl let through to the next plugin, per server and view.",
	}, []string{"server", "view"})

	// droppedCount counts queries left without an answer by a drop policy.
	droppedCount = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "acl",
		Name:      "dropped_requests_total",
		Help:      "Queries left unanswered by an acl drop policy, per server, zone and view.",
	}, []string{"server", "zone", "view"})
)
