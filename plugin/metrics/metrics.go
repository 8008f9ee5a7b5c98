// Package metrics implements the prometheus plugin: it counts every query
// that passes through it and serves the Prometheus metrics of CoreDNS and its
// plugins over HTTP on /metrics.
package metrics

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var log = clog.NewWithPlugin("prometheus")

// buildInfo is always 1; its labels carry the version of this binary.
var buildInfo = promauto.NewGaugeVec(prometheus.GaugeOpts{
	Namespace: plugin.Namespace,
	Name:      "build_info",
	Help:      "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.",
}, []string{"version", "revision", "goversion"})

// Metrics is the prometheus plugin of one server block: a handler that
// records the server metrics of each query, and a share of the HTTP listener
// that serves them on Addr.
type Metrics struct {
	Next plugin.Handler
	Addr string
	Reg  *prometheus.Registry

	zoneMu  sync.Mutex          // serializes AddZone and RemoveZone
	zoneMap map[string]struct{} // guarded by zoneMu
	zones   atomic.Pointer[[]string]

	mu   sync.Mutex // guards held
	held bool       // holds a reference on the listener of Addr
}

// New returns a Metrics for addr that uses the default Prometheus registry,
// the one every plugin registers its collectors in.
func New(addr string) *Metrics {
	m := &Metrics{
		Addr:    addr,
		Reg:     defaultRegistry(),
		zoneMap: make(map[string]struct{}),
	}
	m.zones.Store(&[]string{})
	return m
}

// defaultRegistry returns the registry behind prometheus.DefaultRegisterer.
// It already holds the Go and process collectors.
func defaultRegistry() *prometheus.Registry {
	if r, ok := prometheus.DefaultRegisterer.(*prometheus.Registry); ok {
		return r
	}
	// Someone replaced the default registerer with another type; serve a
	// registry of our own with the usual runtime collectors.
	r := prometheus.NewRegistry()
	r.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return r
}

// MustRegister registers c in the registry of m. A collector that is already
// registered is not an error; any other failure is logged.
func (m *Metrics) MustRegister(c prometheus.Collector) {
	err := m.Reg.Register(c)
	if err == nil {
		return
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		return
	}
	log.Errorf("Cannot register metrics collector: %s", err)
}

// AddZone adds z to the zones whose queries are labelled with their zone.
func (m *Metrics) AddZone(z string) {
	m.zoneMu.Lock()
	defer m.zoneMu.Unlock()
	if m.zoneMap == nil {
		m.zoneMap = make(map[string]struct{})
	}
	m.zoneMap[z] = struct{}{}
	m.publishZones()
}

// RemoveZone removes z from the zones of m.
func (m *Metrics) RemoveZone(z string) {
	m.zoneMu.Lock()
	defer m.zoneMu.Unlock()
	delete(m.zoneMap, z)
	m.publishZones()
}

// publishZones stores a sorted copy of the zone set for the query path, which
// reads it without locking. zoneMu must be held.
func (m *Metrics) publishZones() {
	zs := make([]string, 0, len(m.zoneMap))
	for z := range m.zoneMap {
		zs = append(zs, z)
	}
	slices.Sort(zs)
	m.zones.Store(&zs)
}

// ZoneNames returns the zones of m, sorted.
func (m *Metrics) ZoneNames() []string {
	return slices.Clone(m.zoneList())
}

// zoneList returns the shared, read-only zone list.
func (m *Metrics) zoneList() []string {
	if zs := m.zones.Load(); zs != nil {
		return *zs
	}
	return nil
}

// Name implements plugin.Handler.
func (m *Metrics) Name() string { return "prometheus" }
