// Package health serves an HTTP liveness endpoint, /health, that answers
// 200 OK while the process runs, and can delay shutdown (lameduck) so that
// load balancers notice before the DNS servers go away.
package health

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
)

const (
	name = "health"

	// defaultAddr is where /health is served when no address is given.
	defaultAddr = ":8080"

	// path is the fixed URL path of the endpoint.
	path = "/health"

	// shutdownTimeout bounds how long closing a listener waits for requests
	// in flight.
	shutdownTimeout = 5 * time.Second
)

var log = clog.NewWithPlugin(name)

// health is the plugin for one server block.
type health struct {
	Addr     string
	lameduck time.Duration
	shutdown *lameduckGroup

	mu         sync.Mutex
	held       bool // holds a reference on the listener of Addr
	restarting bool // a reload is under way
}

// lameduckGroup makes the lameduck periods of the health plugins of one
// instance overlap instead of adding up: each waits until its duration has
// passed since the first of them began.
type lameduckGroup struct {
	once  sync.Once
	start time.Time
}

// since returns when the lameduck period of the instance began.
func (g *lameduckGroup) since() time.Time {
	g.once.Do(func() { g.start = time.Now() })
	return g.start
}

// OnStartup takes a reference on the listener of h.Addr, opening it if it is
// the first.
func (h *health) OnStartup() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		return nil
	}
	if err := acquire(h.Addr); err != nil {
		return err
	}
	h.held = true
	return nil
}

// OnRestart notes that a reload is under way: the shutdown that follows a
// successful one releases the listener without a lameduck period.
func (h *health) OnRestart() error {
	h.mu.Lock()
	h.restarting = true
	h.mu.Unlock()
	return nil
}

// OnRestartFailed notes that this instance goes on serving.
func (h *health) OnRestartFailed() error {
	h.mu.Lock()
	h.restarting = false
	h.mu.Unlock()
	return nil
}

// OnShutdown releases the listener when the instance is replaced by a
// reload; a final shutdown is left to OnFinalShutdown.
func (h *health) OnShutdown() error {
	h.mu.Lock()
	restarting := h.restarting
	h.mu.Unlock()
	if !restarting {
		return nil
	}
	return h.release()
}

// OnFinalShutdown keeps answering for the lameduck duration, then releases
// the listener.
func (h *health) OnFinalShutdown() error {
	h.mu.Lock()
	held := h.held
	h.mu.Unlock()
	if !held {
		return nil
	}
	h.waitLameduck()
	return h.release()
}

// waitLameduck sleeps until the lameduck duration of h has passed since the
// lameduck period of its instance began.
func (h *health) waitLameduck() {
	if h.lameduck <= 0 {
		return
	}
	log.Infof("Going into lameduck mode for %s", h.lameduck)
	if wait := time.Until(h.shutdown.since().Add(h.lameduck)); wait > 0 {
		time.Sleep(wait)
	}
}

// release drops the reference h holds, if any.
func (h *health) release() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held {
		return nil
	}
	h.held = false
	return release(h.Addr)
}

// listener is one HTTP server for /health, shared by every health plugin
// configured with the same address.
type listener struct {
	ln   net.Listener
	srv  *http.Server
	done chan struct{} // closed when Serve returns
	quit chan struct{} // stops the self check
	refs int
}

var (
	listenersMu sync.Mutex
	listeners   = map[string]*listener{}
)

// acquire takes a reference on the listener of addr, opening it if needed.
func acquire(addr string) error {
	listenersMu.Lock()
	defer listenersMu.Unlock()
	if l, ok := listeners[addr]; ok {
		l.refs++
		return nil
	}
	l, err := startListener(addr)
	if err != nil {
		return err
	}
	l.refs = 1
	listeners[addr] = l
	return nil
}

// release drops a reference on the listener of addr and closes it when it
// was the last.
func release(addr string) error {
	listenersMu.Lock()
	l, ok := listeners[addr]
	if !ok {
		listenersMu.Unlock()
		return nil
	}
	l.refs--
	if l.refs > 0 {
		listenersMu.Unlock()
		return nil
	}
	delete(listeners, addr)
	listenersMu.Unlock()
	return l.stop()
}

// startListener opens addr, serves /health on it and starts the self check.
func startListener(addr string) (*listener, error) {
	ln, err := reuseport.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, http.StatusText(http.StatusOK)) //nolint:errcheck // nothing to do about a client gone
	})
	l := &listener{
		ln: ln,
		srv: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      10 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
		done: make(chan struct{}),
		quit: make(chan struct{}),
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Errorf("Health endpoint on %s stopped: %s", addr, err)
		}
	}()
	go selfCheck(checkURL(ln.Addr()), l.quit)
	return l, nil
}

// stop ends the self check and shuts the HTTP server down.
func (l *listener) stop() error {
	close(l.quit)
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	<-l.done
	return err
}

// checkURL is the URL at which the process reaches its own endpoint on a:
// a wildcard address is reached through the loopback interface.
func checkURL(a net.Addr) string {
	host, port := "localhost", ""
	if t, ok := a.(*net.TCPAddr); ok {
		port = strconv.Itoa(t.Port)
		if !t.IP.IsUnspecified() && t.IP != nil {
			host = t.IP.String()
		}
	}
	return "http://" + net.JoinHostPort(host, port) + path
}
