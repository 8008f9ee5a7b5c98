package shed

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
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
var DroppedCount = promauto.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "shed",
	Name:      "dropped_total",
	Help:      "Counter of UDP responses and queries dropped by shed, by reason (evicted, overload).",
}, []string{"server", "reason"})
