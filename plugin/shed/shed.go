// Package shed implements a plugin that protects a server's UDP sockets from
// overload: responses are queued on a bounded stack per socket and written,
// newest first, by one goroutine; while a stack is full, new UDP queries are
// dropped.
package shed

import (
	"context"
	"net"
	"sync"
	"sync/atomic"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Shed drops UDP queries arriving on a socket whose response stack is full,
// and passes every other query on.
type Shed struct {
	Next plugin.Handler
	reg  *registry
}

// ServeDNS implements plugin.Handler.
func (h *Shed) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if srv, ok := ctx.Value(dnsserver.Key{}).(*dnsserver.Server); ok {
		if s := h.reg.lookup(srv); s != nil && s.full() {
			if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
				s.overload.Inc()
				// Success tells the server the reply was written: nothing
				// is sent and nothing after this plugin sees the query.
				return dns.RcodeSuccess, nil
			}
		}
	}
	return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (h *Shed) Name() string { return name }

// registry maps the servers of one instance to their socket state. The map
// is replaced, never changed, so the query path reads it without a lock.
type registry struct {
	mu      sync.Mutex // serializes writers of sockets and closed
	sockets atomic.Pointer[map[*dnsserver.Server]*socket]
	closed  bool
}

func newRegistry() *registry {
	r := &registry{}
	m := map[*dnsserver.Server]*socket{}
	r.sockets.Store(&m)
	return r
}

// decorator is the Config.UDPDecorateWriterFunc: the server calls it once
// for its UDP socket.
func (r *registry) decorator(srv *dnsserver.Server) dns.DecorateWriter {
	s := newSocket(srv.Addr)
	r.mu.Lock()
	old := *r.sockets.Load()
	m := make(map[*dnsserver.Server]*socket, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	prev := m[srv]
	m[srv] = s
	r.sockets.Store(&m)
	if r.closed {
		s.close()
	}
	r.mu.Unlock()
	if prev != nil {
		prev.close()
	}
	return s.decorate
}

// lookup returns the socket state of srv, or nil.
func (r *registry) lookup(srv *dnsserver.Server) *socket {
	return (*r.sockets.Load())[srv]
}

// shutdown stops the writers of every socket of the instance.
func (r *registry) shutdown() error {
	r.mu.Lock()
	r.closed = true
	m := *r.sockets.Load()
	r.mu.Unlock()
	for _, s := range m {
		s.close()
	}
	return nil
}
