package parse

import (
	"strings"

	"github.com/coredns/coredns/plugin/pkg/transport"
)

// schemes lists the transports that can prefix an address as "scheme://".
var schemes = [...]string{
	transport.DNS,
	transport.TLS,
	transport.QUIC,
	transport.GRPC,
	transport.HTTPS,
	transport.HTTPS3,
	transport.UNIX,
}

// Transport splits a "scheme://" prefix off s and returns the transport it
// names and the remaining address. Without a recognised prefix, the
// transport is transport.DNS and s is returned unchanged.
func Transport(s string) (trans string, addr string) {
	for _, scheme := range schemes {
		prefix := len(scheme) + len("://")
		if len(s) >= prefix && strings.EqualFold(s[:len(scheme)], scheme) && s[len(scheme):prefix] == "://" {
			return scheme, s[prefix:]
		}
	}
	return transport.DNS, s
}

// defaultPort returns the port used for trans when an address has none.
func defaultPort(trans string) string {
	switch trans {
	case transport.TLS:
		return transport.TLSPort
	case transport.QUIC:
		return transport.QUICPort
	case transport.GRPC:
		return transport.GRPCPort
	case transport.HTTPS, transport.HTTPS3:
		return transport.HTTPSPort
	}
	return transport.Port
}
