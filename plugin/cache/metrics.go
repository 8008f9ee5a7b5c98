package cache

import (
	"sync"
	"sync/atomic"

	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Values of the type label.
const (
	typeSuccess = "success"
	typeDenial  = "denial"
)

// Collectors of the cache plugin.
var (
	cacheSize = promauto.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "entries",
		Help:      "The number of elements in the cache.",
	}, []string{"server", "type", "zones", "view"})

	cacheRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "requests_total",
		Help:      "The count of cache requests.",
	}, []string{"server", "zones", "view"})

	cacheHits = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "hits_total",
		Help:      "The count of cache hits.",
	}, []string{"server", "type", "zones", "view"})

	cacheMisses = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "misses_total",
		Help:      "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
	}, []string{"server", "zones", "view"})

	cachePrefetches = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "prefetch_total",
		Help:      "The number of times the cache has prefetched a cached item.",
	}, []string{"server", "zones", "view"})

	cacheDrops = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "drops_total",
		Help:      "The number responses that are not cached, because the reply is malformed.",
	}, []string{"server", "zones", "view"})

	servedStale = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "served_stale_total",
		Help:      "The number of requests served from stale cache entries.",
	}, []string{"server", "zones", "view"})

	evictions = promauto.NewCounterVec(prometheus.CounterOpts{
		Namespace: plugin.Namespace,
		Subsystem: "cache",
		Name:      "evictions_total",
		Help:      "The count of cache evictions.",
	}, []string{"server", "type", "zones", "view"})
)

// counter is one child of a CounterVec, resolved on first use so that a
// series appears only once it has a sample.
type counter struct {
	vec    *prometheus.CounterVec
	labels []string
	c      atomic.Pointer[prometheus.Counter]
}

func (k *counter) Inc() {
	if c := k.c.Load(); c != nil {
		(*c).Inc()
		return
	}
	c := k.vec.WithLabelValues(k.labels...)
	k.c.Store(&c)
	c.Inc()
}

// gauge is one child of a GaugeVec, resolved on first use.
type gauge struct {
	vec    *prometheus.GaugeVec
	labels []string
	g      atomic.Pointer[prometheus.Gauge]
}

func (k *gauge) Set(v float64) {
	if g := k.g.Load(); g != nil {
		(*g).Set(v)
		return
	}
	g := k.vec.WithLabelValues(k.labels...)
	k.g.Store(&g)
	g.Set(v)
}

// serverMetrics holds the series of one server (listen address) of a Cache.
// Resolving a child with WithLabelValues on every query would hash the
// labels and take a lock, so the children are kept here.
type serverMetrics struct {
	requests, misses, prefetches, drops, stale counter
	hitsSuccess, hitsDenial                    counter
	evictSuccess, evictDenial                  counter
	sizeSuccess, sizeDenial                    gauge
}

func newServerMetrics(server, zones, view string) *serverMetrics {
	plain := []string{server, zones, view}
	success := []string{server, typeSuccess, zones, view}
	denial := []string{server, typeDenial, zones, view}
	return &serverMetrics{
		requests:     counter{vec: cacheRequests, labels: plain},
		misses:       counter{vec: cacheMisses, labels: plain},
		prefetches:   counter{vec: cachePrefetches, labels: plain},
		drops:        counter{vec: cacheDrops, labels: plain},
		stale:        counter{vec: servedStale, labels: plain},
		hitsSuccess:  counter{vec: cacheHits, labels: success},
		hitsDenial:   counter{vec: cacheHits, labels: denial},
		evictSuccess: counter{vec: evictions, labels: success},
		evictDenial:  counter{vec: evictions, labels: denial},
		sizeSuccess:  gauge{vec: cacheSize, labels: success},
		sizeDenial:   gauge{vec: cacheSize, labels: denial},
	}
}

// maxServers bounds the (server, view) pairs whose series are kept; a Cache
// normally serves a handful of listen addresses.
const maxServers = 64

type seriesKey struct{ server, view string }

// serverMetricsMap maps (server, view) pairs to their series. Readers take
// no lock: the map is copied on write and swapped in atomically.
type serverMetricsMap struct {
	mu sync.Mutex
	m  atomic.Pointer[map[seriesKey]*serverMetrics]
}

// forServer returns the series of c for a query served by server in view.
func (c *Cache) forServer(server, view string) *serverMetrics {
	k := seriesKey{server, view}
	if m := c.metrics.m.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	c.metrics.mu.Lock()
	defer c.metrics.mu.Unlock()
	old := c.metrics.m.Load()
	if old != nil {
		if s, ok := (*old)[k]; ok {
			return s
		}
		if len(*old) >= maxServers {
			// Not kept, but still correct.
			return newServerMetrics(server, c.zonesLabel, view)
		}
	}
	s := newServerMetrics(server, c.zonesLabel, view)
	m := make(map[seriesKey]*serverMetrics, 1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[k] = s
	c.metrics.m.Store(&m)
	return s
}
