package metrics

import (
	"net"
	"net/http"
	"sync"

	"github.com/coredns/coredns/plugin/pkg/httpserver"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ListenAddr is the address the most recently acquired metrics listener is
// bound to; with port 0 in the configuration it holds the port the kernel
// chose. Tests use it.
var ListenAddr string

// servers holds the /metrics servers, one per address, shared by every
// prometheus plugin (several server blocks, and old and new instances during
// a reload) configured with that address.
var servers = httpserver.NewPool("Metrics handler")

var (
	registriesMu sync.Mutex

	// registries keeps the registry served on each address: the first one
	// configured for an address is the one every later Metrics for that
	// address uses.
	registries = map[string]*prometheus.Registry{}
)

// registryFor returns the registry of addr, recording reg as that registry if
// addr has none yet.
func registryFor(addr string, reg *prometheus.Registry) *prometheus.Registry {
	registriesMu.Lock()
	defer registriesMu.Unlock()
	if r, ok := registries[addr]; ok {
		return r
	}
	registries[addr] = reg
	return reg
}

// OnStartup takes a reference on the listener of m.Addr, opening it if this
// is the first. Calling it again before a release does nothing.
func (m *Metrics) OnStartup() error {
	if m.Reg == nil {
		m.Reg = defaultRegistry()
	}
	m.Reg = registryFor(m.Addr, m.Reg)
	if m.Reg != defaultRegistry() {
		// A registry of its own does not have the server metrics yet.
		registerServerMetrics(m)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.held {
		return nil
	}
	reg := m.Reg
	srv, err := servers.Acquire(m.Addr, func(net.Addr) (http.Handler, func()) {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		return mux, nil
	})
	if err != nil {
		log.Errorf("Failed to start metrics handler: %s", err)
		return err
	}
	m.held = true
	ListenAddr = srv.Addr().String()
	return nil
}

// OnRestart drops m's reference on its listener; the listener closes when
// nothing else uses it.
func (m *Metrics) OnRestart() error { return m.release() }

// OnFinalShutdown drops m's reference on its listener, like OnRestart.
func (m *Metrics) OnFinalShutdown() error { return m.release() }

// release drops the reference m holds, if any; the listener stops when it
// was the last one.
func (m *Metrics) release() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.held {
		return nil
	}
	m.held = false
	if err := servers.Release(m.Addr); err != nil {
		log.Infof("Failed to stop prometheus http server: %s", err)
		return err
	}
	return nil
}
