// Package proxyproto reads PROXY protocol (v1 and v2) headers from UDP
// datagrams, so a DNS server behind a load balancer sees the address of the
// real client. TCP listeners use github.com/pires/go-proxyproto's Listener
// directly; this package adds the datagram side, which that library leaves
// to its callers.
package proxyproto

import (
	"bytes"
	"net"
	"sync"
	"time"

	proxyproto "github.com/pires/go-proxyproto"
)

// PacketConn wraps a packet connection whose datagrams may start with a
// PROXY protocol header. ReadFrom strips the header and reports the client
// named in it; WriteTo sends replies back to the proxy the datagram came
// from.
type PacketConn struct {
	net.PacketConn

	// ConnPolicy decides per datagram, from the proxy's address, whether a
	// header is used, ignored, rejected or not looked for. Nil means USE.
	ConnPolicy proxyproto.ConnPolicyFunc
	// ValidateHeader, when set, drops datagrams whose header it refuses.
	ValidateHeader proxyproto.Validator
	// ReadHeaderTimeout exists for symmetry with proxyproto.Listener; a
	// datagram arrives whole, so there is nothing to time out on.
	ReadHeaderTimeout time.Duration
	// UDPSessionTrackingTTL, when positive, remembers the client named in a
	// header-only datagram for this long and applies it to the headerless
	// datagrams that follow from the same proxy address.
	UDPSessionTrackingTTL time.Duration
	// UDPSessionTrackingMaxSessions caps the remembered sessions (default
	// DefaultMaxSessions).
	UDPSessionTrackingMaxSessions int

	once     sync.Once
	sessions *sessions
}

// DefaultMaxSessions is the session cap when UDPSessionTrackingMaxSessions is
// not set.
const DefaultMaxSessions = 10240

// Addr is the address of a client reached through a proxy: String and
// Network describe the client, replies go to the proxy.
type Addr struct {
	client net.Addr // from the PROXY header
	proxy  net.Addr // where the datagram came from
}

// Network returns "udp".
func (a *Addr) Network() string { return "udp" }

// String returns the client's address as host:port.
func (a *Addr) String() string { return a.client.String() }

// maxDatagram is the largest UDP payload.
const maxDatagram = 64 * 1024

var bufPool = sync.Pool{New: func() any { b := make([]byte, maxDatagram); return &b }}

// ReadFrom reads the next datagram that passes the policy into p, without
// its PROXY header. Datagrams that are refused, malformed or carry only a
// header are dropped and reading goes on.
func (c *PacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	for {
		n, from, err := c.PacketConn.ReadFrom(buf)
		if err != nil {
			return 0, from, err
		}
		payload, addr, ok := c.process(buf[:n], from)
		if !ok {
			continue
		}
		return copy(p, payload), addr, nil
	}
}

// WriteTo sends p to the proxy that addr was reached through, or to addr
// itself when it is not an *Addr.
func (c *PacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if a, ok := addr.(*Addr); ok {
		addr = a.proxy
	}
	return c.PacketConn.WriteTo(p, addr)
}

// process applies the policy to one datagram. It returns the DNS payload and
// the address to report, or false when the datagram is to be dropped.
func (c *PacketConn) process(d []byte, from net.Addr) ([]byte, net.Addr, bool) {
	policy := proxyproto.USE
	if c.ConnPolicy != nil {
		var err error
		policy, err = c.ConnPolicy(proxyproto.ConnPolicyOptions{Upstream: from, Downstream: c.LocalAddr()})
		if err != nil {
			return nil, nil, false
		}
	}
	if policy == proxyproto.SKIP {
		return d, from, true
	}

	if !hasSignature(d) {
		switch policy {
		case proxyproto.REQUIRE:
			return nil, nil, false
		case proxyproto.USE:
			if client := c.session(from); client != nil {
				return d, &Addr{client: client, proxy: from}, true
			}
		}
		return d, from, true
	}

	header, payload, err := proxyproto.ParseUDPDatagram(d)
	if err != nil {
		return nil, nil, false
	}
	switch policy {
	case proxyproto.REJECT:
		return nil, nil, false
	case proxyproto.IGNORE:
		return payload, from, len(payload) > 0
	}
	if c.ValidateHeader != nil && c.ValidateHeader(header) != nil {
		return nil, nil, false
	}
	client := clientAddr(header)
	if len(payload) == 0 {
		// A header on its own opens a session (Cloudflare Spectrum).
		if client != nil {
			c.remember(from, client)
		}
		return nil, nil, false
	}
	if client == nil {
		// LOCAL command or an address family without IP: the proxy speaks
		// for itself.
		return payload, from, true
	}
	return payload, &Addr{client: client, proxy: from}, true
}

// hasSignature reports whether d starts with a v1 or v2 PROXY signature.
// Checking first keeps the common headerless datagram free of parsing.
func hasSignature(d []byte) bool {
	if len(d) == 0 {
		return false
	}
	switch d[0] {
	case proxyproto.SIGV1[0]:
		return bytes.HasPrefix(d, proxyproto.SIGV1)
	case proxyproto.SIGV2[0]:
		return bytes.HasPrefix(d, proxyproto.SIGV2)
	}
	return false
}

// clientAddr returns the source of header as a *net.UDPAddr, whatever
// transport the header claims, or nil when it names no IP source.
func clientAddr(h *proxyproto.Header) net.Addr {
	if h.Command.IsLocal() {
		return nil
	}
	switch a := h.SourceAddr.(type) {
	case *net.UDPAddr:
		if a != nil && a.IP != nil {
			return a
		}
	case *net.TCPAddr:
		if a != nil && a.IP != nil {
			return &net.UDPAddr{IP: a.IP, Port: a.Port, Zone: a.Zone}
		}
	}
	return nil
}

// session returns the client remembered for the proxy address from, if
// session tracking is on.
func (c *PacketConn) session(from net.Addr) net.Addr {
	if c.UDPSessionTrackingTTL <= 0 {
		return nil
	}
	c.init()
	return c.sessions.get(from, time.Now())
}

// remember records client as the sender behind from, if session tracking is
// on.
func (c *PacketConn) remember(from, client net.Addr) {
	if c.UDPSessionTrackingTTL <= 0 {
		return
	}
	c.init()
	c.sessions.put(from, client, time.Now())
}

func (c *PacketConn) init() {
	c.once.Do(func() {
		max := c.UDPSessionTrackingMaxSessions
		if max <= 0 {
			max = DefaultMaxSessions
		}
		c.sessions = newSessions(max, c.UDPSessionTrackingTTL)
	})
}
