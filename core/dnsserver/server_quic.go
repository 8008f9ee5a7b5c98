package dnsserver

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
	"github.com/quic-go/quic-go"
)

// DoQ application error codes (RFC 9250, section 4.3).
const (
	// DoQCodeNoError closes a connection that is done.
	DoQCodeNoError quic.ApplicationErrorCode = 0
	// DoQCodeInternalError signals a failure on the server's side.
	DoQCodeInternalError quic.ApplicationErrorCode = 1
	// DoQCodeProtocolError signals a client that broke the protocol.
	DoQCodeProtocolError quic.ApplicationErrorCode = 2
)

// Defaults for DNS over QUIC.
const (
	// DefaultMaxQUICStreams is the default limit of concurrent streams per
	// connection.
	DefaultMaxQUICStreams = 256
	// DefaultQUICStreamWorkers is the default number of streams served at
	// once across all connections.
	DefaultQUICStreamWorkers = 1024
	// DefaultQUICMaxConnections is the default limit of concurrent
	// connections.
	DefaultQUICMaxConnections = 200
)

// doqALPN is the TLS application protocol of DNS over QUIC.
const doqALPN = "doq"

// ServerQUIC answers DNS over QUIC (RFC 9250): one query per stream, each
// prefixed with its two-byte length.
type ServerQUIC struct {
	*Server
	listenAddr     net.Addr
	tlsConfig      *tls.Config
	quicConfig     *quic.Config
	quicListener   *quic.Listener
	maxConnections int
	conns          atomic.Int64
	open           sync.Map      // *quic.Conn -> struct{}, closed on Stop
	workers        chan struct{} // one token a stream being served
	wg             sync.WaitGroup
}

// NewServerQUIC returns a DNS over QUIC server for addr. It needs a tls
// directive.
func NewServerQUIC(addr string, group []*Config) (*ServerQUIC, error) {
	s, err := NewServer(addr, group)
	if err != nil {
		return nil, err
	}
	tc := groupTLSConfig(group)
	if tc == nil {
		return nil, fmt.Errorf("%s: DNS over QUIC needs a tls configuration", addr)
	}
	tc.NextProtos = []string{doqALPN}

	streams, workers, conns := DefaultMaxQUICStreams, DefaultQUICStreamWorkers, DefaultQUICMaxConnections
	for _, c := range group {
		if c.MaxQUICStreams != nil {
			streams = *c.MaxQUICStreams
		}
		if c.MaxQUICWorkerPoolSize != nil {
			workers = *c.MaxQUICWorkerPoolSize
		}
		if c.MaxQUICConnections != nil {
			conns = *c.MaxQUICConnections
		}
	}
	return &ServerQUIC{
		Server:    s,
		tlsConfig: tc,
		quicConfig: &quic.Config{
			MaxIdleTimeout:        s.IdleTimeout,
			MaxIncomingStreams:    int64(streams),
			MaxIncomingUniStreams: -1, // DoQ uses bidirectional streams only
			Allow0RTT:             true,
		},
		maxConnections: conns,
		workers:        make(chan struct{}, workers),
	}, nil
}

// ServePacket answers DoQ on p until Stop.
func (s *ServerQUIC) ServePacket(p net.PacketConn) error {
	l, err := quic.Listen(p, s.tlsConfig, s.quicConfig)
	if err != nil {
		return err
	}
	s.m.Lock()
	s.listenAddr = p.LocalAddr()
	s.quicListener = l
	s.m.Unlock()
	return s.ServeQUIC()
}

// ServeQUIC accepts connections on the listener opened by ServePacket.
func (s *ServerQUIC) ServeQUIC() error {
	s.m.Lock()
	l := s.quicListener
	s.m.Unlock()
	if l == nil {
		return errors.New("quic: no listener")
	}
	for {
		conn, err := l.Accept(context.Background())
		if err != nil {
			if errors.Is(err, quic.ErrServerClosed) {
				return nil
			}
			return err
		}
		if s.maxConnections > 0 && s.conns.Load() >= int64(s.maxConnections) {
			conn.CloseWithError(DoQCodeNoError, "") //nolint:errcheck // refusing the connection
			continue
		}
		s.conns.Add(1)
		s.wg.Add(1)
		go s.serveConn(conn)
	}
}

// serveConn accepts the streams of one connection.
func (s *ServerQUIC) serveConn(conn *quic.Conn) {
	defer s.wg.Done()
	defer s.conns.Add(-1)
	s.open.Store(conn, struct{}{})
	defer s.open.Delete(conn)
	for {
		stream, err := conn.AcceptStream(conn.Context())
		if err != nil {
			// The connection is closed or idle; close it politely.
			conn.CloseWithError(DoQCodeNoError, "") //nolint:errcheck // already going away
			return
		}
		select {
		case s.workers <- struct{}{}:
		case <-conn.Context().Done():
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() { <-s.workers }()
			s.serveStream(conn, stream)
		}()
	}
}

// serveStream answers the one query of a stream.
func (s *ServerQUIC) serveStream(conn *quic.Conn, stream *quic.Stream) {
	// A client that never finishes its query must not hold a worker.
	stream.SetReadDeadline(time.Now().Add(s.ReadTimeout))   //nolint:errcheck // best effort
	stream.SetWriteDeadline(time.Now().Add(s.WriteTimeout)) //nolint:errcheck // best effort
	buf, err := readDoQ(stream)
	if err != nil {
		s.closeWithError(conn, DoQCodeProtocolError)
		return
	}
	req := new(dns.Msg)
	if err := req.Unpack(buf); err != nil {
		s.closeWithError(conn, DoQCodeProtocolError)
		return
	}
	if !validDoQ(req) {
		s.closeWithError(conn, DoQCodeProtocolError)
		return
	}
	w := &DoQWriter{
		localAddr:  conn.LocalAddr(),
		remoteAddr: conn.RemoteAddr(),
		stream:     stream,
		conn:       conn,
	}
	s.ServeDNS(context.Background(), w, req)
	s.countResponse(DoQCodeNoError)
	stream.Close() //nolint:errcheck // already written or not: the stream is done
}

// closeWithError closes conn with code and counts it.
func (s *ServerQUIC) closeWithError(conn *quic.Conn, code quic.ApplicationErrorCode) {
	conn.CloseWithError(code, "") //nolint:errcheck // going away anyway
	s.countResponse(code)
}

func (s *ServerQUIC) countResponse(code quic.ApplicationErrorCode) {
	var status string
	switch code {
	case DoQCodeNoError:
		status = "0x0"
	case DoQCodeInternalError:
		status = "0x1"
	default:
		status = "0x2"
	}
	vars.QUICResponsesCount.WithLabelValues(s.Addr, status).Inc()
}

// readDoQ reads one length-prefixed message from r.
func readDoQ(r io.Reader) ([]byte, error) {
	var l [2]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint16(l[:])
	if n == 0 {
		return nil, errors.New("quic: empty message")
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// validDoQ checks RFC 9250's rules for a query: the ID is 0 and there is no
// edns-tcp-keepalive option.
func validDoQ(m *dns.Msg) bool {
	if m.Id != 0 {
		return false
	}
	if opt := m.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if o.Option() == dns.EDNS0TCPKEEPALIVE {
				return false
			}
		}
	}
	return true
}

// ListenPacket opens the UDP socket QUIC runs on.
func (s *ServerQUIC) ListenPacket() (net.PacketConn, error) {
	return reuseport.ListenPacket("udp", hostPort(s.Addr))
}

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *ServerQUIC) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones(transport.QUIC+"://", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// Stop closes the listener and every connection.
func (s *ServerQUIC) Stop() error {
	s.m.Lock()
	l := s.quicListener
	s.m.Unlock()
	var err error
	if l != nil {
		err = l.Close()
	}
	s.open.Range(func(k, _ any) bool {
		k.(*quic.Conn).CloseWithError(DoQCodeNoError, "") //nolint:errcheck // shutting down
		return true
	})
	return err
}

// Serve does nothing: DoQ has no stream listener.
func (s *ServerQUIC) Serve(_ net.Listener) error { return nil }

// Listen returns nothing: DoQ has no stream listener.
func (s *ServerQUIC) Listen() (net.Listener, error) { return nil, nil }

// DoQWriter is the dns.ResponseWriter of a DoQ stream.
type DoQWriter struct {
	// Msg is the answer written, if any.
	Msg *dns.Msg

	localAddr  net.Addr
	remoteAddr net.Addr
	stream     *quic.Stream
	conn       *quic.Conn
}

// Write sends b, a DNS message in wire format, with its length prefix.
func (w *DoQWriter) Write(b []byte) (int, error) {
	if len(b) > dns.MaxMsgSize {
		return 0, errors.New("quic: message too large")
	}
	return w.stream.Write(AddPrefix(b))
}

// WriteMsg packs and sends m.
func (w *DoQWriter) WriteMsg(m *dns.Msg) error {
	w.Msg = m
	b, err := m.Pack()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Close closes the sending side of the stream.
func (w *DoQWriter) Close() error { return w.stream.Close() }

// AddPrefix returns b preceded by its length as two bytes, big endian.
func AddPrefix(b []byte) (m []byte) {
	m = make([]byte, 2+len(b))
	binary.BigEndian.PutUint16(m, uint16(len(b)))
	copy(m[2:], b)
	return m
}

// TsigStatus returns nil: TSIG is not checked over DoQ.
func (w *DoQWriter) TsigStatus() error { return nil }

// TsigTimersOnly does nothing.
func (w *DoQWriter) TsigTimersOnly(_b bool) {}

// Hijack does nothing.
func (w *DoQWriter) Hijack() {}

// LocalAddr returns the server's address.
func (w *DoQWriter) LocalAddr() net.Addr { return w.localAddr }

// RemoteAddr returns the client's address.
func (w *DoQWriter) RemoteAddr() net.Addr { return w.remoteAddr }

// Network returns "quic".
func (w *DoQWriter) Network() string { return transport.QUIC }

// ConnectionState returns the TLS state of the QUIC connection.
func (w *DoQWriter) ConnectionState() *tls.ConnectionState {
	if w.conn == nil {
		return nil
	}
	cs := w.conn.ConnectionState().TLS
	return &cs
}
