package dnsserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/doh"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
)

// Defaults for DNS over HTTP/3.
const (
	// DefaultHTTPS3MaxStreams is the default limit of concurrent streams per
	// connection.
	DefaultHTTPS3MaxStreams = 256
	// DefaultHTTPS3MaxHeaderBytes bounds the request headers.
	DefaultHTTPS3MaxHeaderBytes = 16384
	// defaultHTTPS3MaxConnections is the default limit of concurrent
	// connections.
	defaultHTTPS3MaxConnections = 200
)

// ServerHTTPS3 answers DNS over HTTPS carried by HTTP/3 (QUIC). It needs a
// tls directive.
type ServerHTTPS3 struct {
	*Server
	httpsServer    *http3.Server
	listenAddr     net.Addr
	tlsConfig      *tls.Config
	quicConfig     *quic.Config
	validRequest   func(*http.Request) bool
	maxConnections int
	conns          atomic.Int64
}

// NewServerHTTPS3 returns a DNS over HTTP/3 server for addr.
func NewServerHTTPS3(addr string, group []*Config) (*ServerHTTPS3, error) {
	s, err := NewServer(addr, group)
	if err != nil {
		return nil, err
	}
	tc := groupTLSConfig(group)
	if tc == nil {
		return nil, fmt.Errorf("%s: DNS over HTTP/3 needs a tls configuration", addr)
	}
	sh := &ServerHTTPS3{
		Server:         s,
		tlsConfig:      http3.ConfigureTLSConfig(tc),
		validRequest:   func(r *http.Request) bool { return r.URL.Path == doh.Path },
		maxConnections: defaultHTTPS3MaxConnections,
	}
	streams := DefaultHTTPS3MaxStreams
	for _, c := range group {
		if c.HTTPRequestValidateFunc != nil {
			sh.validRequest = c.HTTPRequestValidateFunc
		}
		if c.MaxHTTPS3Streams != nil {
			streams = *c.MaxHTTPS3Streams
		}
		if c.MaxHTTPS3Connections != nil {
			sh.maxConnections = *c.MaxHTTPS3Connections
		}
	}
	sh.quicConfig = &quic.Config{MaxIdleTimeout: s.IdleTimeout, Allow0RTT: true}
	if streams > 0 {
		sh.quicConfig.MaxIncomingStreams = int64(streams)
	}
	sh.httpsServer = &http3.Server{
		Handler:        sh,
		TLSConfig:      sh.tlsConfig,
		QUICConfig:     sh.quicConfig,
		MaxHeaderBytes: DefaultHTTPS3MaxHeaderBytes,
	}
	return sh, nil
}

// ListenPacket opens the UDP socket QUIC runs on.
func (s *ServerHTTPS3) ListenPacket() (net.PacketConn, error) {
	return reuseport.ListenPacket("udp", hostPort(s.Addr))
}

// ServePacket answers DoH3 on pc until Stop.
func (s *ServerHTTPS3) ServePacket(pc net.PacketConn) error {
	l, err := quic.ListenEarly(pc, s.tlsConfig, s.quicConfig)
	if err != nil {
		return err
	}
	s.m.Lock()
	s.listenAddr = pc.LocalAddr()
	s.m.Unlock()
	err = s.httpsServer.ServeListener(&limitedQUICListener{EarlyListener: l, s: s})
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, quic.ErrServerClosed) {
		return nil
	}
	return err
}

// limitedQUICListener refuses connections beyond the server's limit.
type limitedQUICListener struct {
	*quic.EarlyListener
	s *ServerHTTPS3
}

func (l *limitedQUICListener) Accept(ctx context.Context) (*quic.Conn, error) {
	for {
		conn, err := l.EarlyListener.Accept(ctx)
		if err != nil {
			return nil, err
		}
		max := int64(l.s.maxConnections)
		if max > 0 && l.s.conns.Load() >= max {
			conn.CloseWithError(quic.ApplicationErrorCode(http3.ErrCodeExcessiveLoad), "") //nolint:errcheck // refused
			continue
		}
		l.s.conns.Add(1)
		go func() {
			<-conn.Context().Done()
			l.s.conns.Add(-1)
		}()
		return conn, nil
	}
}

// Listen returns nothing: DoH3 has no stream listener.
func (s *ServerHTTPS3) Listen() (net.Listener, error) { return nil, nil }

// Serve does nothing: DoH3 has no stream listener.
func (s *ServerHTTPS3) Serve(_l net.Listener) error { return nil }

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *ServerHTTPS3) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones(transport.HTTPS3+"://", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// Stop closes the server and its connections.
func (s *ServerHTTPS3) Stop() error {
	return s.httpsServer.Close()
}

// Shutdown closes the server after the requests in flight, waiting up to
// the graceful timeout.
func (s *ServerHTTPS3) Shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.graceTimeout)
	defer cancel()
	return s.httpsServer.Shutdown(ctx)
}

// ServeHTTP answers one DoH3 request.
func (s *ServerHTTPS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.m.Lock()
	laddr := s.listenAddr
	s.m.Unlock()
	status := serveDoH(s.Server, s.validRequest, laddr, w, r)
	vars.HTTPS3ResponsesCount.WithLabelValues(s.Addr, status).Inc()
}
