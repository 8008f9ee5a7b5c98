// Package ready serves an HTTP readiness endpoint, /ready, that answers 200
// OK once every plugin that can tell whether it is ready says so, and 503
// with the names of the plugins still waited for until then.
package ready

import (
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/coredns/coredns/plugin/pkg/httpserver"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

const (
	name = "ready"

	// defaultAddr is where /ready is served when no address is given.
	defaultAddr = ":8181"

	// path is the fixed URL path of the endpoint.
	path = "/ready"
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

// group is the handler of one /ready server: it reports on the plugins of
// every server block configured with that address.
type group struct {
	mu      sync.Mutex
	members []*ready // the plugins holding a reference, in start order
}

// servers holds the /ready servers, one per address.
var servers = httpserver.NewPool("Readiness endpoint")

// acquire adds rd to the server of addr, starting it if needed.
func acquire(addr string, rd *ready) error {
	s, err := servers.Acquire(addr, func(net.Addr) (http.Handler, func()) {
		return &group{}, nil
	})
	if err != nil {
		return err
	}
	g := s.Handler().(*group)
	g.mu.Lock()
	g.members = append(g.members, rd)
	g.mu.Unlock()
	return nil
}

// release removes rd from the server of addr and stops the server when
// nothing else uses it.
func release(addr string, rd *ready) error {
	if s, ok := servers.Server(addr); ok {
		g := s.Handler().(*group)
		g.mu.Lock()
		for i, m := range g.members {
			if m == rd {
				g.members = append(g.members[:i], g.members[i+1:]...)
				break
			}
		}
		g.mu.Unlock()
	}
	return servers.Release(addr)
}

// ServeHTTP answers 200 OK when every plugin reported is ready, else 503
// with the names of those that are not, sorted and comma separated.
func (g *group) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != path {
		http.NotFound(w, r)
		return
	}
	waiting := g.notReady()
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
func (g *group) notReady() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var waiting []string
	for _, rd := range g.members {
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
