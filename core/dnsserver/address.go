package dnsserver

import (
	"fmt"
	"net"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/parse"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

// zoneAddr is one normalized server block key: transport, zone and port.
type zoneAddr struct {
	Zone      string
	Port      string
	Transport string
}

// String renders the key as "transport://zone:port".
func (z zoneAddr) String() string {
	return z.Transport + "://" + z.Zone + ":" + z.Port
}

// defaultPort returns the port a transport listens on when the key has none.
func defaultPort(trans string) string {
	switch trans {
	case transport.TLS, transport.QUIC:
		return transport.TLSPort
	case transport.GRPC, transport.HTTPS, transport.HTTPS3:
		return transport.HTTPSPort
	}
	return Port
}

// normalizeZone parses a server block key into one zoneAddr per zone it names
// (a CIDR key names several reverse zones).
func normalizeZone(key string) ([]zoneAddr, error) {
	if i := strings.Index(key, "://"); i >= 0 {
		switch strings.ToLower(key[:i]) {
		case transport.DNS, transport.TLS, transport.QUIC, transport.GRPC, transport.HTTPS, transport.HTTPS3:
		default:
			return nil, fmt.Errorf("unsupported transport %q in %q", key[:i], key)
		}
	}
	trans, rest := parse.Transport(key)
	switch trans {
	case transport.DNS, transport.TLS, transport.QUIC, transport.GRPC, transport.HTTPS, transport.HTTPS3:
	default:
		return nil, fmt.Errorf("unsupported transport %q in %q", trans, key)
	}
	hosts, port, err := plugin.SplitHostPort(rest)
	if err != nil {
		return nil, fmt.Errorf("invalid server block key %q: %w", key, err)
	}
	if port == "" {
		port = defaultPort(trans)
	}
	zas := make([]zoneAddr, 0, len(hosts))
	for _, h := range hosts {
		zas = append(zas, zoneAddr{Zone: plugin.Name(h).Normalize(), Port: port, Transport: trans})
	}
	return zas, nil
}

// SplitProtocolHostPort splits "transport://host:port" into its parts. The
// transport defaults to dns.
func SplitProtocolHostPort(address string) (protocol string, ip string, port string, err error) {
	parts := strings.SplitN(address, "://", 2)
	switch len(parts) {
	case 1:
		ip, port, err := net.SplitHostPort(parts[0])
		return "", ip, port, err
	default:
		ip, port, err := net.SplitHostPort(parts[1])
		return parts[0], ip, port, err
	}
}
