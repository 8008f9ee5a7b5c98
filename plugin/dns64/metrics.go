package dns64

import (
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// translatedCount counts AAAA answers the plugin synthesized.
var translatedCount = promauto.NewCounterVec(prometheus.CounterOpts{
	Namespace: plugin.Namespace,
	Subsystem: "dns64",
	Name:      "requests_translated_total",
	Help:      "AAAA queries answered with records synthesized from A records, per server.",
}, []string{"server"})
