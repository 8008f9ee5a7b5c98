package dnsserver

import (
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // TSIG HMAC-SHA1 is still a valid algorithm
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// udpServer answers DNS over UDP. It does what miekg/dns's Server does for a
// packet (header check with dns.DefaultMsgAcceptFunc, FORMERR/NOTIMP for
// rejected messages, TSIG verification and signing, DecorateWriter), but
// with long-lived goroutines instead of one new goroutine a packet: a
// goroutine reads a packet, makes sure another one is reading, answers, and
// reads again. Under load a few goroutines with fully grown stacks do all the
// work; when handlers block (forwarding, say) more are started, and idle
// ones beyond a few exit.
type udpServer struct {
	conn     net.PacketConn
	uconn    *net.UDPConn // conn as a *net.UDPConn, or nil
	session  bool         // bound to a wildcard address: reply from the query's destination
	handler  dns.Handler
	decorate dns.DecorateWriter
	tsig     dns.TsigProvider

	mu       sync.Mutex   // orders the first spawn and stop
	readers  atomic.Int32 // goroutines reading or about to read
	maxIdle  int32
	stopping atomic.Bool
	wg       sync.WaitGroup // every goroutine of the server
	done     chan struct{}  // closed on Stop or a fatal read error
	doneOnce sync.Once
	err      error
}

// udpReadSize is how much of a datagram is read, as in miekg/dns
// (dns.MinMsgSize when Server.UDPSize is unset).
const udpReadSize = dns.MinMsgSize

func newUDPServer(p net.PacketConn, h dns.Handler, decorate dns.DecorateWriter, secrets map[string]string) *udpServer {
	u := &udpServer{conn: p, handler: h, decorate: decorate, done: make(chan struct{})}
	if secrets != nil {
		u.tsig = secretProvider(secrets)
	}
	u.maxIdle = int32(max(2, runtime.GOMAXPROCS(0)))
	if uc, ok := p.(*net.UDPConn); ok {
		u.uconn = uc
		if a, ok := uc.LocalAddr().(*net.UDPAddr); ok && (a.IP == nil || a.IP.IsUnspecified()) {
			// Ask for the destination address of each packet, so that the
			// reply leaves from the address the query went to.
			u.session = true
			err6 := ipv6.NewPacketConn(uc).SetControlMessage(ipv6.FlagDst|ipv6.FlagInterface, true)
			err4 := ipv4.NewPacketConn(uc).SetControlMessage(ipv4.FlagDst|ipv4.FlagInterface, true)
			if err6 != nil && err4 != nil {
				u.session = false
			}
		}
	}
	return u
}

// serve answers until stop or a read error; it closes the socket.
func (u *udpServer) serve() error {
	defer u.conn.Close()
	// The first goroutine is counted under mu, so that stop's Wait either
	// sees it or keeps it from starting (WaitGroup.Add from zero must not
	// race with Wait); later ones are added by counted goroutines.
	u.mu.Lock()
	if u.stopping.Load() {
		u.mu.Unlock()
		return nil
	}
	u.spawn()
	u.mu.Unlock()
	<-u.done
	u.wg.Wait()
	return u.err
}

// stop stops reading, waits until ctx ends for the queries in flight, and
// closes the socket before it returns: a server started next on the same
// port (SO_REUSEPORT) must not share the packets with this one.
func (u *udpServer) stop(ctx context.Context) error {
	u.mu.Lock()
	u.stopping.Store(true)
	u.mu.Unlock()
	u.conn.SetReadDeadline(time.Unix(1, 0)) //nolint:errcheck // unblocks the readers
	u.finish(nil)
	waited := make(chan struct{})
	go func() { u.wg.Wait(); close(waited) }()
	var err error
	select {
	case <-waited:
	case <-ctx.Done():
		err = ctx.Err()
	}
	u.conn.Close() //nolint:errcheck // serve may have closed it already
	return err
}

func (u *udpServer) finish(err error) {
	u.doneOnce.Do(func() { u.err = err; close(u.done) })
}

// spawn starts one more reading goroutine.
func (u *udpServer) spawn() {
	u.readers.Add(1)
	u.wg.Add(1)
	go u.loop()
}

// loop reads and answers packets; it returns when there are enough other
// idle readers, on stop, or on a fatal read error.
func (u *udpServer) loop() {
	defer u.wg.Done()
	reserveStack()
	buf := make([]byte, udpReadSize)
	for {
		if u.stopping.Load() {
			u.readers.Add(-1)
			return
		}
		w := &udpWriter{u: u}
		n, err := u.read(buf, w)
		if err != nil {
			var ne net.Error
			if !u.stopping.Load() && errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			u.readers.Add(-1)
			if !u.stopping.Load() {
				u.finish(err)
			}
			return
		}
		if u.readers.Add(-1) == 0 {
			u.spawn() // someone must keep reading while we answer
		}
		if n >= headerLen {
			u.serveDNS(buf[:n], w)
		}
		for {
			r := u.readers.Load()
			if r >= u.maxIdle {
				return
			}
			if u.readers.CompareAndSwap(r, r+1) {
				break
			}
		}
	}
}

// read reads one datagram into buf and records its origin in w.
func (u *udpServer) read(buf []byte, w *udpWriter) (int, error) {
	switch {
	case u.uconn != nil && u.session:
		n, s, err := dns.ReadFromSessionUDP(u.uconn, buf)
		w.session = s
		return n, err
	case u.uconn != nil:
		n, ap, err := u.uconn.ReadFromUDPAddrPort(buf)
		w.ap = ap
		return n, err
	default:
		n, a, err := u.conn.ReadFrom(buf)
		w.addr = a
		return n, err
	}
}

const headerLen = 12

// stackReserve is about the stack a deep plugin chain needs: forwarding,
// say, packs the query and unpacks the reply twenty frames below ServeDNS.
const stackReserve = 8 << 10

// reserveStack grows a new reader goroutine's stack once, while it is still
// shallow. A goroutine starts with a small stack; had it to grow in the
// middle of a query, the runtime would copy every frame above, and the
// readers started while handlers block (forwarding under load) would pay
// that copy on their first queries, several microseconds each.
//
//go:noinline
func reserveStack() {
	var pad [stackReserve]byte
	keepOnStack(pad[:])
}

// keepOnStack is a call the compiler cannot see through, so the pad of
// reserveStack stays on the stack.
//
//go:noinline
func keepOnStack([]byte) {}

// serveDNS checks, unpacks and answers the query in m, as miekg/dns does.
func (u *udpServer) serveDNS(m []byte, w *udpWriter) {
	if u.decorate != nil {
		w.writer = u.decorate(w)
	} else {
		w.writer = w
	}
	dh := dns.Header{
		Id:      binary.BigEndian.Uint16(m[0:]),
		Bits:    binary.BigEndian.Uint16(m[2:]),
		Qdcount: binary.BigEndian.Uint16(m[4:]),
		Ancount: binary.BigEndian.Uint16(m[6:]),
		Nscount: binary.BigEndian.Uint16(m[8:]),
		Arcount: binary.BigEndian.Uint16(m[10:]),
	}
	req := new(dns.Msg)
	switch action := dns.DefaultMsgAcceptFunc(dh); action {
	case dns.MsgAccept:
		if err := req.Unpack(m); err == nil {
			break
		}
		fallthrough
	case dns.MsgReject, dns.MsgRejectNotImplemented:
		if action != dns.MsgAccept {
			setHeader(req, dh)
		}
		opcode := req.Opcode
		req.SetRcodeFormatError(req)
		req.Zero = false
		if action == dns.MsgRejectNotImplemented {
			req.Opcode = opcode
			req.Rcode = dns.RcodeNotImplemented
		}
		req.Ns, req.Answer, req.Extra = nil, nil, nil
		w.WriteMsg(req) //nolint:errcheck // nothing to do on a failed write
		return
	default: // dns.MsgIgnore
		return
	}
	if u.tsig != nil {
		if t := req.IsTsig(); t != nil {
			w.tsigStatus = dns.TsigVerifyWithProvider(m, u.tsig, "", false)
			w.tsigRequestMAC = t.MAC
		}
	}
	u.handler.ServeDNS(w, req)
}

// setHeader fills the header fields of m from dh.
func setHeader(m *dns.Msg, dh dns.Header) {
	b := dh.Bits
	m.Id = dh.Id
	m.Response = b&(1<<15) != 0
	m.Opcode = int(b>>11) & 0xF
	m.Authoritative = b&(1<<10) != 0
	m.Truncated = b&(1<<9) != 0
	m.RecursionDesired = b&(1<<8) != 0
	m.RecursionAvailable = b&(1<<7) != 0
	m.Zero = b&(1<<6) != 0
	m.AuthenticatedData = b&(1<<5) != 0
	m.CheckingDisabled = b&(1<<4) != 0
	m.Rcode = int(b & 0xF)
}

// udpWriter is the dns.ResponseWriter of one UDP query.
type udpWriter struct {
	u       *udpServer
	writer  dns.Writer // itself, or what DecorateWriter made of it
	session *dns.SessionUDP
	ap      netip.AddrPort
	addr    net.Addr
	raddr   net.UDPAddr
	ip      [16]byte
	closed  bool

	tsigStatus     error
	tsigTimersOnly bool
	tsigRequestMAC string
}

var packPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// WriteMsg packs m (signing it when it carries a TSIG) and sends it.
func (w *udpWriter) WriteMsg(m *dns.Msg) error {
	if w.closed {
		return errWriteClosed
	}
	if w.u.tsig != nil && m.IsTsig() != nil {
		data, mac, err := dns.TsigGenerateWithProvider(m, w.u.tsig, w.tsigRequestMAC, w.tsigTimersOnly)
		if err != nil {
			return err
		}
		w.tsigRequestMAC = mac
		_, err = w.writer.Write(data)
		return err
	}
	bp := packPool.Get().(*[]byte)
	data, err := m.PackBuffer((*bp)[:cap(*bp)])
	if err == nil {
		_, err = w.writer.Write(data)
	}
	if cap(data) <= 64*1024 {
		*bp = data[:0]
		packPool.Put(bp)
	}
	return err
}

var (
	errWriteClosed = errors.New("dns: write on a closed UDP response writer")
	errClosedTwice = errors.New("dns: UDP response writer already closed")
)

// Write sends b to the client.
func (w *udpWriter) Write(b []byte) (int, error) {
	if w.closed {
		return 0, errWriteClosed
	}
	switch {
	case w.session != nil:
		return dns.WriteToSessionUDP(w.u.uconn, b, w.session)
	case w.u.uconn != nil:
		return w.u.uconn.WriteToUDPAddrPort(b, w.ap)
	default:
		return w.u.conn.WriteTo(b, w.addr)
	}
}

// LocalAddr returns the address of the server's socket.
func (w *udpWriter) LocalAddr() net.Addr { return w.u.conn.LocalAddr() }

// RemoteAddr returns the client's address, a *net.UDPAddr for UDP sockets.
func (w *udpWriter) RemoteAddr() net.Addr {
	switch {
	case w.session != nil:
		return w.session.RemoteAddr()
	case w.u.uconn != nil:
		if w.raddr.IP == nil {
			a := w.ap.Addr()
			if a.Is4() {
				b := a.As4()
				w.raddr.IP = w.ip[:copy(w.ip[:], b[:])]
			} else {
				b := a.As16()
				w.raddr.IP = w.ip[:copy(w.ip[:], b[:])]
			}
			w.raddr.Port = int(w.ap.Port())
			w.raddr.Zone = a.Zone()
		}
		return &w.raddr
	default:
		return w.addr
	}
}

// TsigStatus returns the result of verifying the query's TSIG.
func (w *udpWriter) TsigStatus() error { return w.tsigStatus }

// TsigTimersOnly makes the next signature cover the timers only.
func (w *udpWriter) TsigTimersOnly(b bool) { w.tsigTimersOnly = b }

// Hijack is a no-op for UDP: the socket is shared.
func (w *udpWriter) Hijack() {}

// Close makes further writes fail; the shared socket stays open.
func (w *udpWriter) Close() error {
	if w.closed {
		return errClosedTwice
	}
	w.closed = true
	return nil
}

// secretProvider verifies and makes TSIG HMACs with the base64 secrets of
// the server, keyed by key name (as dns.Server.TsigSecret).
type secretProvider map[string]string

// Generate returns the HMAC of msg under the key and algorithm of t.
func (p secretProvider) Generate(msg []byte, t *dns.TSIG) ([]byte, error) {
	secret, ok := p[t.Hdr.Name]
	if !ok {
		return nil, dns.ErrSecret
	}
	key, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		return nil, err
	}
	var h hash.Hash
	switch dns.CanonicalName(t.Algorithm) {
	case dns.HmacSHA1:
		h = hmac.New(sha1.New, key)
	case dns.HmacSHA224:
		h = hmac.New(sha256.New224, key)
	case dns.HmacSHA256:
		h = hmac.New(sha256.New, key)
	case dns.HmacSHA384:
		h = hmac.New(sha512.New384, key)
	case dns.HmacSHA512:
		h = hmac.New(sha512.New, key)
	default:
		return nil, dns.ErrKeyAlg
	}
	h.Write(msg)
	return h.Sum(nil), nil
}

// Verify checks the MAC of t against msg.
func (p secretProvider) Verify(msg []byte, t *dns.TSIG) error {
	want, err := p.Generate(msg, t)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(t.MAC)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, got) {
		return dns.ErrSig
	}
	return nil
}
