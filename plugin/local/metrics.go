package local

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// localhostCount counts queries for localhost.<domain>. It has no server
// label on purpose: what matters is which clients send such queries, and
// the debug log tells that.
var localhostCount = promauto.NewCounter(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "local",
	Name:      "localhost_requests_total",
	Help:      "Queries for localhost.<domain> answered by the local plugin.",
})
