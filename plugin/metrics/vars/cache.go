package vars

import (
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Report runs on every query. Resolving a child of a labelled collector with
// WithLabelValues hashes all label values and takes a lock on each call, so
// the children are resolved once per label tuple and kept here. Readers take
// no lock: the maps are copied on write and swapped in atomically, and each
// child is created on first use only, so a series shows up in /metrics only
// once it has a sample, exactly as without the cache.
//
// The cached children stay valid as long as nobody calls Reset or Delete on
// the collectors of this package; CoreDNS never does.

// maxSeries bounds the cached (server, zone, view) tuples and maxRcodes the
// cached (rcode, plugin) pairs per tuple; past them Report falls back to
// WithLabelValues, so a flood of odd label values cannot grow memory here.
const (
	maxSeries = 1024
	maxRcodes = 256
)

type seriesKey struct{ server, zone, view string }

type rcodeKey struct{ rcode, plugin string }

// series holds the children of one (server, zone, view) tuple, created lazily.
type series struct {
	server, zone, view string

	do       atomic.Pointer[prometheus.Counter]
	duration atomic.Pointer[prometheus.Observer]
	reqSize  [2]atomic.Pointer[prometheus.Observer]             // by proto
	respSize [2]atomic.Pointer[prometheus.Observer]             // by proto
	requests [2][2][numTypes]atomic.Pointer[prometheus.Counter] // by proto, family, type

	mu     sync.Mutex // serializes writers of rcodes
	rcodes atomic.Pointer[map[rcodeKey]prometheus.Counter]
}

var seriesCache struct {
	mu sync.Mutex // serializes writers of m
	m  atomic.Pointer[map[seriesKey]*series]
}

// seriesFor returns the cached children of (server, zone, view), or nil when
// the cache is full.
func seriesFor(server, zone, view string) *series {
	k := seriesKey{server, zone, view}
	if m := seriesCache.m.Load(); m != nil {
		if s, ok := (*m)[k]; ok {
			return s
		}
	}
	seriesCache.mu.Lock()
	defer seriesCache.mu.Unlock()
	old := seriesCache.m.Load()
	if old != nil {
		if s, ok := (*old)[k]; ok {
			return s
		}
		if len(*old) >= maxSeries {
			return nil
		}
	}
	s := &series{server: server, zone: zone, view: view}
	m := make(map[seriesKey]*series, mapLen(old)+1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[k] = s
	seriesCache.m.Store(&m)
	return s
}

func mapLen(m *map[seriesKey]*series) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// Two goroutines may both miss a slot below and both call WithLabelValues;
// they get the same child, so storing either is fine.

func (s *series) doCounter() prometheus.Counter {
	if c := s.do.Load(); c != nil {
		return *c
	}
	c := RequestDo.WithLabelValues(s.server, s.zone, s.view)
	s.do.Store(&c)
	return c
}

func (s *series) durationObserver() prometheus.Observer {
	if o := s.duration.Load(); o != nil {
		return *o
	}
	o := RequestDuration.WithLabelValues(s.server, s.zone, s.view)
	s.duration.Store(&o)
	return o
}

var protoNames = [2]string{"udp", "tcp"}

var familyNames = [2]string{"1", "2"}

func (s *series) requestCounter(proto, fam, qtype int) prometheus.Counter {
	slot := &s.requests[proto][fam][qtype]
	if c := slot.Load(); c != nil {
		return *c
	}
	c := RequestCount.WithLabelValues(s.server, s.zone, s.view, protoNames[proto], familyNames[fam], typeNames[qtype])
	slot.Store(&c)
	return c
}

func (s *series) requestSizeObserver(proto int) prometheus.Observer {
	if o := s.reqSize[proto].Load(); o != nil {
		return *o
	}
	o := RequestSize.WithLabelValues(s.server, s.zone, s.view, protoNames[proto])
	s.reqSize[proto].Store(&o)
	return o
}

func (s *series) responseSizeObserver(proto int) prometheus.Observer {
	if o := s.respSize[proto].Load(); o != nil {
		return *o
	}
	o := ResponseSize.WithLabelValues(s.server, s.zone, s.view, protoNames[proto])
	s.respSize[proto].Store(&o)
	return o
}

func (s *series) rcodeCounter(rcode, plugin string) prometheus.Counter {
	k := rcodeKey{rcode, plugin}
	if m := s.rcodes.Load(); m != nil {
		if c, ok := (*m)[k]; ok {
			return c
		}
	}
	c := ResponseRcode.WithLabelValues(s.server, s.zone, s.view, rcode, plugin)

	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.rcodes.Load()
	if old != nil && len(*old) >= maxRcodes {
		return c
	}
	m := make(map[rcodeKey]prometheus.Counter, 1+rcodeLen(old))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[k] = c
	s.rcodes.Store(&m)
	return c
}

func rcodeLen(m *map[rcodeKey]prometheus.Counter) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
