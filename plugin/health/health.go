// Package health serves an HTTP liveness endpoint, /health, that answers
// 200 OK while the process runs, and can delay shutdown (lameduck) so that
// load balancers notice before the DNS servers go away.
package health

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin/pkg/httpserver"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

const (
	name = "health"

	// defaultAddr is where /health is served when no address is given.
	defaultAddr = ":8080"

	// path is the fixed URL path of the endpoint.
	path = "/health"
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

// servers holds the /health servers, one per address.
var servers = httpserver.NewPool("Health endpoint")

// acquire takes a reference on the server of addr, starting it, and its self
// check, if needed.
func acquire(addr string) error {
	_, err := servers.Acquire(addr, func(a net.Addr) (http.Handler, func()) {
		mux := http.NewServeMux()
		mux.HandleFunc(path, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, http.StatusText(http.StatusOK)) //nolint:errcheck // nothing to do about a client gone
		})
		quit := make(chan struct{})
		go selfCheck(checkURL(a), quit)
		return mux, func() { close(quit) }
	})
	return err
}

// release drops a reference on the server of addr.
func release(addr string) error { return servers.Release(addr) }

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
