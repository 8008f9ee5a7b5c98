package test

import (
	"net"

	"github.com/miekg/dns"
)

// Port numbers of the fake connection.
const (
	localPort  = 53
	remotePort = 40212
)

// ResponseWriter is a dns.ResponseWriter for tests: it pretends to be a
// connection from RemoteIP (10.240.0.1 when empty) to 127.0.0.1:53, over TCP
// when TCP is true and UDP otherwise, and throws away what is written.
type ResponseWriter struct {
	TCP      bool   // use TCP addresses instead of UDP ones
	RemoteIP string // the client address; 10.240.0.1 when empty
	Zone     string // the IPv6 zone of the client address
}

// LocalAddr returns 127.0.0.1:53.
func (t *ResponseWriter) LocalAddr() net.Addr {
	return t.addr(net.IPv4(127, 0, 0, 1), localPort, "")
}

// RemoteAddr returns RemoteIP (or 10.240.0.1) port 40212, in Zone.
func (t *ResponseWriter) RemoteAddr() net.Addr {
	ip := "10.240.0.1"
	if t.RemoteIP != "" {
		ip = t.RemoteIP
	}
	return t.addr(net.ParseIP(ip), remotePort, t.Zone)
}

// addr makes a TCP or UDP address, as the writer's transport calls for.
func (t *ResponseWriter) addr(ip net.IP, port int, zone string) net.Addr {
	if t.TCP {
		return &net.TCPAddr{IP: ip, Port: port, Zone: zone}
	}
	return &net.UDPAddr{IP: ip, Port: port, Zone: zone}
}

// Network returns "tcp" or "udp".
func (t *ResponseWriter) Network() string {
	if t.TCP {
		return "tcp"
	}
	return "udp"
}

// WriteMsg discards the message.
func (t *ResponseWriter) WriteMsg(_m *dns.Msg) error { return nil }

// Write discards buf and reports it all written.
func (t *ResponseWriter) Write(buf []byte) (int, error) { return len(buf), nil }

// Close does nothing.
func (t *ResponseWriter) Close() error { return nil }

// TsigStatus reports no TSIG error.
func (t *ResponseWriter) TsigStatus() error { return nil }

// TsigTimersOnly does nothing.
func (t *ResponseWriter) TsigTimersOnly(bool) {}

// Hijack does nothing.
func (t *ResponseWriter) Hijack() {}

// ResponseWriter6 is a ResponseWriter on IPv6: from fe80::42:ff:feca:4c65
// (or RemoteIP) to [::1]:53.
type ResponseWriter6 struct {
	ResponseWriter
}

// LocalAddr returns [::1]:53.
func (t *ResponseWriter6) LocalAddr() net.Addr {
	return t.addr(net.IPv6loopback, localPort, "")
}

// RemoteAddr returns fe80::42:ff:feca:4c65 (or RemoteIP) port 40212, in Zone.
func (t *ResponseWriter6) RemoteAddr() net.Addr {
	ip := "fe80::42:ff:feca:4c65"
	if t.RemoteIP != "" {
		ip = t.RemoteIP
	}
	return t.addr(net.ParseIP(ip), remotePort, t.Zone)
}
