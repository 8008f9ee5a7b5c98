package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin/pkg/reuseport"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ListenAddr is the address the most recently acquired metrics listener is
// bound to; with port 0 in the configuration it holds the port the kernel
// chose. Tests use it.
var ListenAddr string

// shutdownTimeout bounds how long closing a listener waits for scrapes in
// flight.
const shutdownTimeout = 5 * time.Second

// listener is one HTTP server for /metrics, shared by every prometheus plugin
// (several server blocks, and old and new instances during a reload) that is
// configured with the same address.
type listener struct {
	ln   net.Listener
	srv  *http.Server
	done chan struct{} // closed when Serve returns
	refs int
}

var (
	listenersMu sync.Mutex
	listeners   = map[string]*listener{}

	// registries keeps the registry served on each address: the first one
	// configured for an address is the one every later Metrics for that
	// address uses.
	registries = map[string]*prometheus.Registry{}
)

// registryFor returns the registry of addr, recording reg as that registry if
// addr has none yet.
func registryFor(addr string, reg *prometheus.Registry) *prometheus.Registry {
	listenersMu.Lock()
	defer listenersMu.Unlock()
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

	listenersMu.Lock()
	defer listenersMu.Unlock()
	if m.held {
		return nil
	}
	l, ok := listeners[m.Addr]
	if !ok {
		var err error
		if l, err = startListener(m.Addr, m.Reg); err != nil {
			log.Errorf("Failed to start metrics handler: %s", err)
			return err
		}
		listeners[m.Addr] = l
	}
	l.refs++
	m.held = true
	ListenAddr = l.ln.Addr().String()
	return nil
}

// OnRestart drops m's reference on its listener; the listener closes when
// nothing else uses it.
func (m *Metrics) OnRestart() error { return m.release() }

// OnFinalShutdown drops m's reference on its listener, like OnRestart.
func (m *Metrics) OnFinalShutdown() error { return m.release() }

// release drops the reference m holds, if any, and stops the listener when it
// was the last one.
func (m *Metrics) release() error {
	listenersMu.Lock()
	if !m.held {
		listenersMu.Unlock()
		return nil
	}
	m.held = false
	l := listeners[m.Addr]
	if l == nil {
		listenersMu.Unlock()
		return nil
	}
	l.refs--
	if l.refs > 0 {
		listenersMu.Unlock()
		return nil
	}
	delete(listeners, m.Addr)
	listenersMu.Unlock()
	return l.stop()
}

// startListener opens addr and serves reg on /metrics in the background.
func startListener(addr string, reg *prometheus.Registry) (*listener, error) {
	ln, err := reuseport.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	l := &listener{
		ln: ln,
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
		done: make(chan struct{}),
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Errorf("Metrics handler on %s stopped: %s", addr, err)
		}
	}()
	return l, nil
}

// stop shuts the HTTP server down, letting scrapes in flight finish.
func (l *listener) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	<-l.done
	if err != nil {
		log.Infof("Failed to stop prometheus http server: %s", err)
	}
	return err
}
