package dnsserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/pkg/doh"
	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
	"golang.org/x/net/netutil"
)

// DefaultHTTPSMaxConnections is the default limit on concurrent DoH
// connections.
const DefaultHTTPSMaxConnections = 200

// DoH timeouts unless the timeouts plugin says otherwise; idle connections
// are kept open longer than plain TCP ones.
const (
	defaultHTTPSReadTimeout  = 5 * time.Second
	defaultHTTPSWriteTimeout = 5 * time.Second
	defaultHTTPSIdleTimeout  = 120 * time.Second
)

// ServerHTTPS answers DNS over HTTPS (RFC 8484). Without a tls directive it
// serves plain HTTP, for use behind a TLS-terminating proxy.
type ServerHTTPS struct {
	*Server
	httpsServer    *http.Server
	listenAddr     net.Addr
	tlsConfig      *tls.Config
	validRequest   func(*http.Request) bool
	maxConnections int
}

// HTTPRequestKey is the context key under which the *http.Request of a DoH
// query is stored.
type HTTPRequestKey struct{}

// NewServerHTTPS returns a DNS over HTTPS server for addr.
func NewServerHTTPS(addr string, group []*Config) (*ServerHTTPS, error) {
	s, err := NewServer(addr, group)
	if err != nil {
		return nil, err
	}
	sh := &ServerHTTPS{
		Server:         s,
		tlsConfig:      groupTLSConfig(group),
		validRequest:   func(r *http.Request) bool { return r.URL.Path == doh.Path },
		maxConnections: DefaultHTTPSMaxConnections,
	}
	if sh.tlsConfig != nil {
		sh.tlsConfig.NextProtos = []string{"h2", "http/1.1"}
	}
	read, write, idle := defaultHTTPSReadTimeout, defaultHTTPSWriteTimeout, defaultHTTPSIdleTimeout
	for _, c := range group {
		if c.HTTPRequestValidateFunc != nil {
			sh.validRequest = c.HTTPRequestValidateFunc
		}
		if c.MaxHTTPSConnections != nil {
			sh.maxConnections = *c.MaxHTTPSConnections
		}
		if c.ReadTimeout > 0 {
			read = c.ReadTimeout
		}
		if c.WriteTimeout > 0 {
			write = c.WriteTimeout
		}
		if c.IdleTimeout > 0 {
			idle = c.IdleTimeout
		}
	}
	sh.httpsServer = &http.Server{
		Handler:      sh,
		ReadTimeout:  read,
		WriteTimeout: write,
		IdleTimeout:  idle,
	}
	return sh, nil
}

// Serve answers DoH requests on l.
func (s *ServerHTTPS) Serve(l net.Listener) error {
	s.m.Lock()
	s.listenAddr = l.Addr()
	if s.maxConnections > 0 {
		l = netutil.LimitListener(l, s.maxConnections)
	}
	if s.tlsConfig != nil {
		l = tls.NewListener(l, s.tlsConfig)
	}
	srv := s.httpsServer
	s.m.Unlock()
	if err := srv.Serve(l); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// ServePacket does nothing: DoH has no packet side.
func (s *ServerHTTPS) ServePacket(_ net.PacketConn) error { return nil }

// Listen opens the TCP listener.
func (s *ServerHTTPS) Listen() (net.Listener, error) {
	l, err := reuseport.Listen("tcp", hostPort(s.Addr))
	if err != nil {
		return nil, err
	}
	return s.WrapListener(l), nil
}

// ListenPacket returns nothing: DoH has no packet side.
func (s *ServerHTTPS) ListenPacket() (net.PacketConn, error) { return nil, nil }

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *ServerHTTPS) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones(transport.HTTPS+"://", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// Stop shuts the HTTP server down, waiting up to the graceful timeout.
func (s *ServerHTTPS) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.graceTimeout)
	defer cancel()
	return s.httpsServer.Shutdown(ctx)
}

// Shutdown is Stop.
func (s *ServerHTTPS) Shutdown() error { return s.Stop() }

// ServeHTTP answers one DoH request.
func (s *ServerHTTPS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	laddr := s.localAddr()
	if s.connPolicy != nil {
		// Behind a PROXY protocol load balancer the connection's own local
		// address is the one the client dialled.
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			laddr = a
		}
	}
	status := serveDoH(s.Server, s.validRequest, laddr, w, r)
	vars.HTTPSResponsesCount.WithLabelValues(s.Addr, status).Inc()
}

func (s *ServerHTTPS) localAddr() net.Addr {
	s.m.Lock()
	defer s.m.Unlock()
	return s.listenAddr
}

// serveDoH runs a DoH request through the server and writes the HTTP
// response. It returns the HTTP status as a metric label.
func serveDoH(s *Server, valid func(*http.Request) bool, laddr net.Addr, w http.ResponseWriter, r *http.Request) string {
	if r.URL.Path != doh.Path {
		http.Error(w, "not found", http.StatusNotFound)
		return "404"
	}
	if valid != nil && !valid(r) {
		http.Error(w, "invalid request", http.StatusBadRequest)
		return "400"
	}
	msg, err := doh.RequestToMsg(r)
	if err != nil {
		http.Error(w, "invalid request", http.StatusBadRequest)
		return "400"
	}

	dw := &DoHWriter{laddr: laddr, raddr: remoteAddr(r), request: r}
	ctx := context.WithValue(r.Context(), HTTPRequestKey{}, r)
	s.ServeDNS(ctx, dw, msg)

	if dw.Msg == nil {
		http.Error(w, "no response", http.StatusInternalServerError)
		return "500"
	}
	buf, err := dw.Msg.Pack()
	if err != nil {
		http.Error(w, "could not pack response", http.StatusInternalServerError)
		return "500"
	}
	mt, _ := response.Typify(dw.Msg, time.Now().UTC())
	age := dnsutil.MinimalTTL(dw.Msg, mt)

	h := w.Header()
	h.Set("Content-Type", doh.MimeType)
	h.Set("Cache-Control", "max-age="+strconv.Itoa(int(age.Seconds())))
	h.Set("Content-Length", strconv.Itoa(len(buf)))
	w.WriteHeader(http.StatusOK)
	w.Write(buf) //nolint:errcheck // the client went away
	return "200"
}

// remoteAddr turns the request's remote address into a *net.TCPAddr, so
// that plugins see the client as a TCP client.
func remoteAddr(r *http.Request) net.Addr {
	host, port, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return &net.TCPAddr{}
	}
	p, _ := strconv.Atoi(port)
	ip := net.ParseIP(host)
	return &net.TCPAddr{IP: ip, Port: p}
}

// DoHWriter is the dns.ResponseWriter of a DoH query: it keeps the answer
// for the HTTP handler to send.
type DoHWriter struct {
	// Msg is the answer written by the plugin chain.
	Msg *dns.Msg

	laddr   net.Addr
	raddr   net.Addr
	request *http.Request
}

// WriteMsg keeps m as the answer.
func (d *DoHWriter) WriteMsg(m *dns.Msg) error {
	d.Msg = m
	return nil
}

// Write keeps the answer given in wire format.
func (d *DoHWriter) Write(b []byte) (int, error) {
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return 0, err
	}
	d.Msg = m
	return len(b), nil
}

// RemoteAddr returns the address of the HTTP client.
func (d *DoHWriter) RemoteAddr() net.Addr { return d.raddr }

// LocalAddr returns the address the server listens on.
func (d *DoHWriter) LocalAddr() net.Addr { return d.laddr }

// Network returns "https".
func (d *DoHWriter) Network() string { return transport.HTTPS }

// Request returns the HTTP request carrying the query.
func (d *DoHWriter) Request() *http.Request { return d.request }

// Close does nothing.
func (d *DoHWriter) Close() error { return nil }

// TsigStatus returns nil: TSIG is not checked over DoH.
func (d *DoHWriter) TsigStatus() error { return nil }

// TsigTimersOnly does nothing.
func (d *DoHWriter) TsigTimersOnly(_ bool) {}

// Hijack does nothing.
func (d *DoHWriter) Hijack() {}
