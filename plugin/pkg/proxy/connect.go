package proxy

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coredns/coredns/plugin/pkg/rcode"
	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// Options says how a query is sent upstream.
type Options struct {
	// ForceTCP sends over TCP whatever transport the client used.
	ForceTCP bool
	// PreferUDP sends over UDP whatever transport the client used.
	PreferUDP bool
	// HCRecursionDesired sets RD in health check queries.
	HCRecursionDesired bool
	// HCDomain is the name health check queries ask for.
	HCDomain string
}

// writeTimeout bounds sending one query.
const writeTimeout = 2 * time.Second

// udpBufSize is the size of pooled UDP buffers; it holds any message sent to
// a client advertising up to 4096 bytes.
const udpBufSize = 4096

var (
	udpBufPool = sync.Pool{New: func() any { b := make([]byte, udpBufSize); return &b }}
	// TCP buffers have room for the two byte length and the largest message.
	tcpBufPool = sync.Pool{New: func() any { b := make([]byte, 2+dns.MaxMsgSize); return &b }}
)

// Connect sends the query of state to the upstream and returns its reply,
// the local address of the connection used (nil for DNS over HTTPS) and the
// protocol used: "udp", "tcp", "tcp-tls" or "https".
//
// Replies whose ID or question differ from the query's are dropped and the
// wait goes on until the read timeout. A UDP reply too large for the
// client's buffer comes back as an empty reply with TC set, so the client
// retries over TCP. When a cached connection turns out to be closed the
// error is ErrCachedClosed and the query can be sent again right away.
func (p *Proxy) Connect(ctx context.Context, state request.Request, opts Options) (*dns.Msg, net.Addr, string, error) {
	if state.Req == nil || len(state.Req.Question) == 0 {
		return nil, nil, "", ErrInvalidRequest
	}
	start := time.Now()

	if p.protocol == transport.HTTPS {
		ret, err := p.exchangeDoH(ctx, state.Req)
		if err != nil {
			return nil, nil, transport.HTTPS, err
		}
		p.observe(ret, start)
		return ret, nil, transport.HTTPS, nil
	}

	proto := "udp"
	switch {
	case opts.ForceTCP:
		proto = "tcp"
	case opts.PreferUDP:
	default:
		proto = state.Proto()
	}

	pc, cached, err := p.transport.dialAt(proto, start)
	if err != nil {
		return nil, nil, proto, err
	}
	proto = protoNames[pc.kind]
	local := pc.c.LocalAddr()

	now := start
	if !cached {
		now = time.Now() // dialling took time: the deadlines start after it
	}
	ret, err := p.exchange(ctx, pc, &state, now)
	if err != nil {
		pc.c.Close()
		if cached && peerClosed(err) {
			return nil, local, proto, ErrCachedClosed
		}
		return nil, local, proto, err
	}
	end := time.Now()
	p.transport.yieldAt(pc, end)
	p.durationObserver(ret.Rcode).Observe(end.Sub(start).Seconds())
	return ret, local, proto, nil
}

// observe records the duration of a query that got reply ret.
func (p *Proxy) observe(ret *dns.Msg, start time.Time) {
	p.durationObserver(ret.Rcode).Observe(time.Since(start).Seconds())
}

// exchange writes the query on pc and reads until the matching reply comes.
func (p *Proxy) exchange(ctx context.Context, pc *persistConn, state *request.Request, now time.Time) (*dns.Msg, error) {
	conn := pc.c.Conn
	udp := pc.kind == typeUDP

	pool := &tcpBufPool
	if udp {
		pool = &udpBufPool
	}
	bufp := pool.Get().(*[]byte)
	defer pool.Put(bufp)
	buf := *bufp

	setDeadlines(conn, deadline(ctx, now, writeTimeout), deadline(ctx, now, p.readTimeout))
	if err := writeMsg(conn, udp, state.Req, buf); err != nil {
		return nil, err
	}

	// The reply is read into a buffer the size the client can take: a UDP
	// reply that does not fit is truncated for the client anyway.
	size := dns.MaxMsgSize
	if udp {
		size = max(state.Size(), dns.MinMsgSize)
	}
	rbuf := buf
	if len(rbuf) < size {
		rbuf = make([]byte, size)
	}
	rbuf = rbuf[:size]

	for {
		n, err := readMsg(conn, udp, rbuf)
		if err != nil {
			return nil, err
		}
		if n < 12 || binary.BigEndian.Uint16(rbuf) != state.Req.Id {
			continue // not a reply to this query: a late one or garbage
		}
		ret := new(dns.Msg)
		if err := ret.Unpack(rbuf[:n]); err != nil {
			if udp && (n == len(rbuf) || overflow(err)) {
				return truncated(state.Req, ret), nil
			}
			return nil, err
		}
		if !sameQuestion(state.Req, ret) {
			continue
		}
		return ret, nil
	}
}

// deadline returns now+d, or the deadline of ctx when that is earlier.
func deadline(ctx context.Context, now time.Time, d time.Duration) time.Time {
	t := now.Add(d)
	if cd, ok := ctx.Deadline(); ok && cd.Before(t) {
		return cd
	}
	return t
}

// setDeadlines sets the write and read deadlines of conn, with one call
// (and one runtime timer) when they are the same, as by default.
func setDeadlines(conn net.Conn, write, read time.Time) {
	if write.Equal(read) {
		conn.SetDeadline(read) //nolint:errcheck // a failed write or read reports it
		return
	}
	conn.SetWriteDeadline(write) //nolint:errcheck // a failed write reports it
	conn.SetReadDeadline(read)   //nolint:errcheck // a failed read reports it
}

// writeMsg packs m into buf and sends it, with the length prefix on stream
// connections.
func writeMsg(conn net.Conn, udp bool, m *dns.Msg, buf []byte) error {
	if udp {
		out, err := m.PackBuffer(buf)
		if err != nil {
			return err
		}
		_, err = conn.Write(out)
		return err
	}
	out, err := m.PackBuffer(buf[2:])
	if err != nil {
		return err
	}
	if len(out) > 0 && &out[0] != &buf[2] {
		// Did not fit: PackBuffer allocated. Only for huge queries.
		buf = make([]byte, 2+len(out))
		copy(buf[2:], out)
	}
	binary.BigEndian.PutUint16(buf, uint16(len(out)))
	_, err = conn.Write(buf[:2+len(out)])
	return err
}

// readMsg reads one message into buf and returns its length.
func readMsg(conn net.Conn, udp bool, buf []byte) (int, error) {
	if udp {
		return conn.Read(buf)
	}
	if _, err := io.ReadFull(conn, buf[:2]); err != nil {
		return 0, err
	}
	n := int(binary.BigEndian.Uint16(buf))
	if n > len(buf) {
		return 0, io.ErrShortBuffer
	}
	return io.ReadFull(conn, buf[:n])
}

// sameQuestion reports whether reply answers the question of req.
func sameQuestion(req, reply *dns.Msg) bool {
	if len(reply.Question) != len(req.Question) {
		return false
	}
	for i, q := range req.Question {
		a := reply.Question[i]
		if q.Qtype != a.Qtype || q.Qclass != a.Qclass || !strings.EqualFold(q.Name, a.Name) {
			return false
		}
	}
	return true
}

// overflow reports whether err says a message ended before its header
// counts said, which is what a truncated datagram looks like.
func overflow(err error) bool {
	if errors.Is(err, dns.ErrBuf) {
		return true
	}
	s := err.Error()
	return strings.Contains(s, "overflow") || strings.Contains(s, "buffer size too small")
}

// truncated returns an empty reply to req with TC set, keeping the header
// bits of the partly read reply.
func truncated(req, partial *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	if partial != nil {
		m.Rcode = partial.Rcode
		m.Authoritative = partial.Authoritative
		m.RecursionAvailable = partial.RecursionAvailable
		m.AuthenticatedData = partial.AuthenticatedData
	}
	m.Truncated = true
	return m
}

// peerClosed reports whether err means the other end closed the connection.
func peerClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// durationObserver returns the request duration histogram for rc.
func (p *Proxy) durationObserver(rc int) prometheus.Observer {
	if rc < 0 || rc > maxCachedRcode {
		return requestDuration.WithLabelValues(p.proxyName, p.addr, rcode.ToString(rc))
	}
	if o := p.durations[rc].Load(); o != nil {
		return o.Observer
	}
	o := &observer{requestDuration.WithLabelValues(p.proxyName, p.addr, rcode.ToString(rc))}
	p.durations[rc].Store(o)
	return o.Observer
}
