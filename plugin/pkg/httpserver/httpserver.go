// Package httpserver runs the HTTP endpoints of plugins such as prometheus,
// health and ready. Every server block that names the same address, and the
// old and new instance during a reload, share one server: it starts with the
// first reference and stops when the last is released.
package httpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
)

// ShutdownTimeout bounds how long stopping a server waits for requests in
// flight.
const ShutdownTimeout = 5 * time.Second

// Pool holds one plugin's servers, keyed by listen address.
type Pool struct {
	what string // names the endpoint in log messages

	mu      sync.Mutex
	servers map[string]*Server
}

// NewPool returns an empty pool; what names its endpoint in logs, e.g.
// "Health endpoint".
func NewPool(what string) *Pool {
	return &Pool{what: what, servers: map[string]*Server{}}
}

// Server is one running HTTP server.
type Server struct {
	ln      net.Listener
	srv     *http.Server
	handler http.Handler
	done    chan struct{} // closed when Serve returns
	cleanup func()
	refs    int
}

// Addr is the address the server listens on; with port 0 in the
// configuration it has the port the kernel chose.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Handler is the handler the server was started with.
func (s *Server) Handler() http.Handler { return s.handler }

// Acquire takes a reference on the server of addr. When none runs it listens
// on addr and serves the handler start returns; start's cleanup function, if
// not nil, runs when the server stops.
func (p *Pool) Acquire(addr string, start func(net.Addr) (http.Handler, func())) (*Server, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.servers[addr]; ok {
		s.refs++
		return s, nil
	}
	ln, err := reuseport.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	h, cleanup := start(ln.Addr())
	s := &Server{
		ln:      ln,
		handler: h,
		cleanup: cleanup,
		done:    make(chan struct{}),
		refs:    1,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      30 * time.Second,
			IdleTimeout:       60 * time.Second,
		},
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			clog.Errorf("%s on %s stopped: %s", p.what, addr, err)
		}
	}()
	p.servers[addr] = s
	return s, nil
}

// Release drops a reference on the server of addr. The last one stops it,
// letting requests in flight finish.
func (p *Pool) Release(addr string) error {
	p.mu.Lock()
	s, ok := p.servers[addr]
	if !ok {
		p.mu.Unlock()
		return nil
	}
	s.refs--
	if s.refs > 0 {
		p.mu.Unlock()
		return nil
	}
	delete(p.servers, addr)
	if s.cleanup != nil {
		// Under the lock, so a new server on addr cannot see half of it.
		s.cleanup()
	}
	p.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Server returns the server running on addr, if any.
func (p *Pool) Server(addr string) (*Server, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.servers[addr]
	return s, ok
}
