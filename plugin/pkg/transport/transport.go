// Package transport names the transports CoreDNS can serve and forward over,
// and their default ports.
package transport

// Transport schemes as written in front of an address, e.g. "tls://".
const (
	// DNS is plain DNS over UDP and TCP.
	DNS = "dns"
	// TLS is DNS over TLS (RFC 7858).
	TLS = "tls"
	// QUIC is DNS over QUIC (RFC 9250).
	QUIC = "quic"
	// GRPC is DNS over gRPC.
	GRPC = "grpc"
	// HTTPS is DNS over HTTPS (RFC 8484).
	HTTPS = "https"
	// HTTPS3 is DNS over HTTPS carried by HTTP/3.
	HTTPS3 = "https3"
	// UNIX is DNS over a Unix domain socket.
	UNIX = "unix"
)

// Default ports per transport.
const (
	// Port is the default port for plain DNS.
	Port = "53"
	// TLSPort is the default port for DNS over TLS.
	TLSPort = "853"
	// QUICPort is the default port for DNS over QUIC.
	QUICPort = "853"
	// GRPCPort is the default port for DNS over gRPC.
	GRPCPort = "443"
	// HTTPSPort is the default port for DNS over HTTPS.
	HTTPSPort = "443"
)
