package dnsserver

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

// ServerTLS answers DNS over TLS (RFC 7858): DNS over TCP inside a TLS
// session. Without a tls directive it serves plain TCP, for use behind a
// TLS-terminating proxy.
type ServerTLS struct {
	*Server
	tlsConfig *tls.Config
}

// NewServerTLS returns a DNS over TLS server for addr.
func NewServerTLS(addr string, group []*Config) (*ServerTLS, error) {
	s, err := NewServer(addr, group)
	if err != nil {
		return nil, err
	}
	return &ServerTLS{Server: s, tlsConfig: groupTLSConfig(group)}, nil
}

// Serve answers queries on l, wrapped in TLS when configured.
func (s *ServerTLS) Serve(l net.Listener) error {
	if s.tlsConfig != nil {
		l = tls.NewListener(l, s.tlsConfig)
	}
	return s.Server.Serve(l)
}

// ServePacket does nothing: DNS over TLS has no packet side.
func (s *ServerTLS) ServePacket(_ net.PacketConn) error { return nil }

// Listen opens the TCP listener.
func (s *ServerTLS) Listen() (net.Listener, error) {
	l, err := reuseport.Listen("tcp", hostPort(s.Addr))
	if err != nil {
		return nil, err
	}
	return s.WrapListener(l), nil
}

// ListenPacket returns nothing: DNS over TLS has no packet side.
func (s *ServerTLS) ListenPacket() (net.PacketConn, error) { return nil, nil }

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *ServerTLS) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones(transport.TLS+"://", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// hostPort strips the "transport://" prefix from a server address.
func hostPort(addr string) string {
	if i := strings.Index(addr, "://"); i >= 0 {
		return addr[i+3:]
	}
	return addr
}

// groupTLSConfig returns a copy of the first TLS configuration set in group,
// or nil. All zones on one address share the listener, so one config rules.
func groupTLSConfig(group []*Config) *tls.Config {
	for _, c := range group {
		if c.TLSConfig != nil {
			return c.TLSConfig.Clone()
		}
	}
	return nil
}
