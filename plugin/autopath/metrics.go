package autopath

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// autoPathCount counts queries answered from a search path element.
var autoPathCount = promauto.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "autopath",
	Name:      "success_total",
	Help:      "Counter of requests that did autopath.",
}, []string{"server"})
