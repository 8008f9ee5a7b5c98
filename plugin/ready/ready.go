// Package ready serves an HTTP readiness endpoint, /ready, that answers 200
// OK once every plugin that can tell whether it is ready says so, and 503
// with the names of the plugins still waited for until then.
package ready

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
)

const (
	name = "ready"

	// defaultAddr is where /ready is served when no address is given.
	defaultAddr = ":8181"

	// path is the fixed URL path of the endpoint.
	path = "/ready"

	// shutdownTimeout bounds how long closing a listener waits for requests
	// in flight.
	shutdownTimeout = 5 * time.Second
)

var log = clog.NewWithPlugin(name)

// Readiness is implemented by plugins that need time before they can answer,
// e.g. to load data. Ready reports whether the plugin is ready now.
type Readiness interface {
	Ready() bool
}

// entry is one plugin whose readiness is reported.
type entry struct {
	name       string
	r          Readiness
	continuous bool // ask every time, instead of once until ready
	done       bool // signalled ready and not asked again; guarded by the listener's mu
}

// ready is the plugin for one server block.
type ready struct {
	Addr    string
	entries []*entry // set at startup, before the listener sees rd

	mu         sync.Mutex
	held       bool // holds a reference on the listener of Addr
	restarting bool // a reload is under way
}

// OnStartup takes a reference on the listener of rd.Addr, opening it if it
// is the first, and adds the block's plugins to what it reports.
func (rd *ready) OnStartup() error {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.held {
		return nil
	}
	if err := acquire(rd.Addr, rd); err != nil {
		return err
	}
	rd.held = true
	return nil
}

// OnRestart notes that a reload is under way.
func (rd *ready) OnRestart() error {
	rd.mu.Lock()
	rd.restarting = true
	rd.mu.Unlock()
	return nil
}

// OnRestartFailed notes that this instance goes on serving.
func (rd *ready) OnRestartFailed() error {
	rd.mu.Lock()
	rd.restarting = false
	rd.mu.Unlock()
	return nil
}

// OnShutdown withdraws the block's plugins when a reload replaced the
// instance; the new instance reports its own.
func (rd *ready) OnShutdown() error {
	rd.mu.Lock()
	restarting := rd.restarting
	rd.mu.Unlock()
	if !restarting {
		return nil
	}
	return rd.release()
}

// OnFinalShutdown stops reporting ready: the process is going away, possibly
// after a lameduck period during which it must not attract new clients.
func (rd *ready) OnFinalShutdown() error {
	return rd.release()
}

// release drops the reference rd holds, if any.
func (rd *ready) release() error {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if !rd.held {
		return nil
	}
	rd.held = false
	return release(rd.Addr, rd)
}

// listener is one HTTP server for /ready, shared by every ready plugin
// configured with the same address; it reports on the plugins of all of
// them.
type listener struct {
	ln   net.Listener
	srv  *http.Server
	done chan struct{} // closed when Serve returns

	mu      sync.Mutex
	members []*ready // the plugins holding a reference, in start order
}

var (
	listenersMu sync.Mutex
	listeners   = map[string]*listener{}
)

// acquire adds rd to the listener of addr, opening it if needed.
func acquire(addr string, rd *ready) error {
	listenersMu.Lock()
	defer listenersMu.Unlock()
	l, ok := listeners[addr]
	if !ok {
		var err error
		if l, err = startListener(addr); err != nil {
			return err
		}
		listeners[addr] = l
	}
	l.mu.Lock()
	l.members = append(l.members, rd)
	l.mu.Unlock()
	return nil
}

// release removes rd from the listener of addr and closes the listener when
// nothing else uses it.
func release(addr string, rd *ready) error {
	listenersMu.Lock()
	l, ok := listeners[addr]
	if !ok {
		listenersMu.Unlock()
		return nil
	}
	l.mu.Lock()
	for i, m := range l.members {
		if m == rd {
			l.members = append(l.members[:i], l.members[i+1:]...)
			break
		}
	}
	last := len(l.members) == 0
	l.mu.Unlock()
	if !last {
		listenersMu.Unlock()
		return nil
	}
	delete(listeners, addr)
	listenersMu.Unlock()
	return l.stop()
}

// startListener opens addr and serves /ready on it.
func startListener(addr string) (*listener, error) {
	ln, err := reuseport.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	l := &listener{
		ln:   ln,
		done: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc(path, l.serveHTTP)
	l.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	go func() {
		defer close(l.done)
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Errorf("Readiness endpoint on %s stopped: %s", addr, err)
		}
	}()
	return l, nil
}

// serveHTTP answers 200 OK when every plugin reported is ready, else 503
// with the names of those that are not, sorted and comma separated.
func (l *listener) serveHTTP(w http.ResponseWriter, _ *http.Request) {
	waiting := l.notReady()
	if len(waiting) == 0 {
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, http.StatusText(http.StatusOK)) //nolint:errcheck // nothing to do about a client gone
		return
	}
	list := strings.Join(waiting, ",")
	log.Infof("Still waiting on: %q", list)
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, list) //nolint:errcheck // nothing to do about a client gone
}

// notReady asks the plugins and returns the sorted names of those that are
// not ready. A plugin monitored until ready is not asked again once it said
// it was.
func (l *listener) notReady() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var waiting []string
	for _, rd := range l.members {
		for _, e := range rd.entries {
			if e.done {
				continue
			}
			if e.r.Ready() {
				e.done = !e.continuous
				continue
			}
			waiting = append(waiting, e.name)
		}
	}
	sort.Strings(waiting)
	return compact(waiting)
}

// compact removes repeated names from a sorted list: the same plugin in
// several server blocks is named once.
func compact(names []string) []string {
	out := names[:0]
	for i, n := range names {
		if i == 0 || n != names[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// stop shuts the HTTP server down.
func (l *listener) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := l.srv.Shutdown(ctx)
	<-l.done
	return err
}
