// Package pprof serves Go's runtime profiles over HTTP under /debug/pprof,
// for use with "go tool pprof".
package pprof

import (
	"net"
	"net/http"
	pp "net/http/pprof"
	"runtime"
	"sync"

	"github.com/coredns/coredns/plugin/pkg/httpserver"
)

const (
	name = "pprof"

	// defaultAddr is where the profiles are served when no address is given.
	defaultAddr = "localhost:6053"

	// path is the URL path under which the profiles are served.
	path = "/debug/pprof"
)

// servers holds the profile servers, one per address, shared by server
// blocks and by the instances on either side of a reload.
var servers = httpserver.NewPool("pprof endpoint")

// handler is the plugin of one server block. It takes no part in queries.
type handler struct {
	addr      string
	blockRate int // 0: block profiling left alone

	mu   sync.Mutex
	held bool
}

// OnStartup takes a reference on the server of h.addr, starting it if needed,
// and turns on block profiling when asked.
func (h *handler) OnStartup() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.held {
		return nil
	}
	if _, err := servers.Acquire(h.addr, func(net.Addr) (http.Handler, func()) { return newMux(), nil }); err != nil {
		return err
	}
	h.held = true
	if h.blockRate > 0 {
		runtime.SetBlockProfileRate(h.blockRate)
	}
	return nil
}

// OnShutdown drops the reference taken by OnStartup.
func (h *handler) OnShutdown() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.held {
		return nil
	}
	h.held = false
	return servers.Release(h.addr)
}

// newMux routes the profile endpoints.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, path+"/", http.StatusFound)
	})
	// The index also serves the named profiles: heap, goroutine, block, ...
	mux.HandleFunc(path+"/", pp.Index)
	mux.HandleFunc(path+"/cmdline", pp.Cmdline)
	mux.HandleFunc(path+"/profile", pp.Profile)
	mux.HandleFunc(path+"/symbol", pp.Symbol)
	mux.HandleFunc(path+"/trace", pp.Trace)
	return mux
}
