package dnsserver

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// tcpDrainTime is how long a stopping server keeps reading a TCP connection
// whose query has not arrived yet. On a reload the listening socket is shared
// with the new instance, and a connection the old instance accepted a moment
// before stopping has a query on its way; cutting it off makes the client see
// a reset. A client sends its query right after the handshake, so a short
// window covers it without holding a shutdown up for long.
const tcpDrainTime = 200 * time.Millisecond

// drainListener wraps the TCP listener given to miekg/dns so that Stop can
// stop accepting first and then let accepted connections read their query
// before the dns.Server cuts reads off.
type drainListener struct {
	net.Listener
	stopping atomic.Bool
	// unread counts accepted connections that have not started reading yet:
	// miekg/dns does not read from them at all once it is shutting down.
	unread atomic.Int32
	// accepting counts Accept calls under way: one that the close of the
	// listener catches after the kernel handed it a connection still returns
	// that connection, and drain must wait to see it counted in unread.
	accepting atomic.Int32
}

// Accept returns the next connection, wrapped to track its first read.
func (l *drainListener) Accept() (net.Conn, error) {
	l.accepting.Add(1)
	c, err := l.Listener.Accept()
	if err != nil {
		l.accepting.Add(-1)
		return nil, err
	}
	l.unread.Add(1)
	l.accepting.Add(-1)
	dc := &drainConn{Conn: c, l: l}
	if _, ok := c.(tlsStater); ok {
		return &drainTLSConn{dc}, nil
	}
	return dc, nil
}

// tlsStater is what miekg/dns asks of a connection for the TLS state it
// hands to handlers (dns.ConnectionStater).
type tlsStater interface {
	ConnectionState() tls.ConnectionState
}

// drainTLSConn is a drainConn over a TLS connection; it keeps the TLS state
// visible. Plain connections must not have the method: handlers take a
// non-nil state for TLS.
type drainTLSConn struct{ *drainConn }

// ConnectionState returns the TLS state of the connection.
func (c *drainTLSConn) ConnectionState() tls.ConnectionState {
	return c.Conn.(tlsStater).ConnectionState()
}

// drain stops accepting and waits, for at most tcpDrainTime, until the
// Accept under way has returned and every connection accepted is being read.
func (l *drainListener) drain() {
	l.stopping.Store(true)
	l.Listener.Close() //nolint:errcheck // the dns.Server closes it again
	deadline := time.Now().Add(tcpDrainTime)
	for (l.accepting.Load() > 0 || l.unread.Load() > 0) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

// drainConn is an accepted connection of a drainListener.
type drainConn struct {
	net.Conn
	l    *drainListener
	once sync.Once // counts the first Read or Close
}

func (c *drainConn) started() { c.once.Do(func() { c.l.unread.Add(-1) }) }

// Read marks the connection as read from and reads.
func (c *drainConn) Read(b []byte) (int, error) {
	c.started()
	return c.Conn.Read(b)
}

// Close marks the connection done and closes it.
func (c *drainConn) Close() error {
	c.started()
	return c.Conn.Close()
}

// SetReadDeadline sets the read deadline, except that while the server
// stops, a deadline in the past (the dns.Server's way of ending every read at
// once) becomes a short one, so that a query already sent is still read and
// answered. The dns.Server closes the connection after that answer.
func (c *drainConn) SetReadDeadline(t time.Time) error {
	if c.l.stopping.Load() {
		if now := time.Now(); t.Before(now) {
			t = now.Add(tcpDrainTime)
		}
	}
	return c.Conn.SetReadDeadline(t)
}
