package proxy

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// Kinds of cached connection, used as array indices.
const (
	typeUDP = iota
	typeTCP
	typeTLS
	typeTotal
)

// protoNames are the protocol names of the connection kinds, as given to
// Dial and used in the proto label of the cache metrics.
var protoNames = [typeTotal]string{"udp", "tcp", "tcp-tls"}

const (
	defaultExpire  = 10 * time.Second
	minDialTimeout = 1 * time.Second
	maxDialTimeout = 30 * time.Second
)

// persistConn is one connection to an upstream that can be used for many
// queries, one at a time.
type persistConn struct {
	c       *dns.Conn
	kind    int
	created time.Time // when it was dialled, for max age
	used    time.Time // when it was last handed back, for expiry
}

// Transport dials connections to one upstream and keeps the idle ones for
// reuse: a first-in first-out queue per protocol, so successive queries
// spread over the cached sockets (and their source ports). Idle connections
// older than the expiry are closed by a background goroutine that runs
// between Start and Stop.
type Transport struct {
	mu        sync.Mutex
	conns     [typeTotal]connQueue
	expire    time.Duration // idle time after which a connection is dropped
	maxAge    time.Duration // lifetime after which a connection is dropped; 0: none
	maxIdle   int           // idle connections kept per protocol; 0: no limit
	stopped   bool
	stop      chan struct{} // closed by Stop; nil while not running
	done      chan struct{} // closed when the cleanup goroutine exits
	tlsConfig *tls.Config
	localAddr net.IP

	addr      string
	proxyName string

	avgDialTime atomic.Int64 // nanoseconds, moving average

	hits   [typeTotal]prometheus.Counter
	misses [typeTotal]prometheus.Counter
}

func newTransport(proxyName, addr string) *Transport {
	t := &Transport{
		expire:    defaultExpire,
		addr:      addr,
		proxyName: proxyName,
	}
	t.avgDialTime.Store(int64(maxDialTimeout / 2))
	for k := range typeTotal {
		t.hits[k] = connCacheHitsCount.WithLabelValues(proxyName, addr, protoNames[k])
		t.misses[k] = connCacheMissesCount.WithLabelValues(proxyName, addr, protoNames[k])
	}
	return t
}

// kindOf maps a protocol name to a connection kind. With a TLS
// configuration every connection is DNS over TLS.
func (t *Transport) kindOf(proto string) int {
	if t.tlsConfig != nil {
		return typeTLS
	}
	switch proto {
	case "tcp":
		return typeTCP
	case "tcp-tls":
		return typeTLS
	}
	return typeUDP
}

// Dial returns a connection for proto ("udp", "tcp" or "tcp-tls"), a cached
// one when there is one that is still fresh, and reports whether it was
// cached.
func (t *Transport) Dial(proto string) (*persistConn, bool, error) {
	return t.dialAt(proto, time.Now())
}

// dialAt is Dial with the current time given by the caller, which reads
// the clock once for the whole query.
func (t *Transport) dialAt(proto string, now time.Time) (*persistConn, bool, error) {
	kind := t.kindOf(proto)

	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return nil, false, errTransportStopped
	}
	q := &t.conns[kind]
	for q.len() > 0 {
		pc := q.pop()
		if now.Sub(pc.used) >= t.expire || (t.maxAge > 0 && now.Sub(pc.created) >= t.maxAge) {
			pc.c.Close()
			continue
		}
		t.mu.Unlock()
		t.hits[kind].Inc()
		return pc, true, nil
	}
	t.mu.Unlock()

	t.misses[kind].Inc()
	pc, err := t.dial(kind, now)
	return pc, false, err
}

// dial opens a new connection of the given kind.
func (t *Transport) dial(kind int, now time.Time) (*persistConn, error) {
	d := net.Dialer{Timeout: t.dialTimeout()}
	if t.localAddr != nil {
		if kind == typeUDP {
			d.LocalAddr = &net.UDPAddr{IP: t.localAddr}
		} else {
			d.LocalAddr = &net.TCPAddr{IP: t.localAddr}
		}
	}
	var (
		conn net.Conn
		err  error
	)
	switch kind {
	case typeTLS:
		conn, err = tls.DialWithDialer(&d, "tcp", t.addr, t.tlsConfig)
	case typeTCP:
		conn, err = d.Dial("tcp", t.addr)
	default:
		conn, err = d.Dial("udp", t.addr)
	}
	t.updateDialTime(time.Since(now))
	if err != nil {
		return nil, err
	}
	return &persistConn{c: &dns.Conn{Conn: conn}, kind: kind, created: now, used: now}, nil
}

// dialTimeout follows the observed dial times: twice the average, between
// minDialTimeout and maxDialTimeout.
func (t *Transport) dialTimeout() time.Duration {
	avg := time.Duration(t.avgDialTime.Load())
	switch {
	case avg < minDialTimeout/2:
		return minDialTimeout
	case avg < maxDialTimeout/2:
		return 2 * avg
	}
	return maxDialTimeout
}

// updateDialTime moves the average dial time a quarter of the way to d.
func (t *Transport) updateDialTime(d time.Duration) {
	for {
		old := t.avgDialTime.Load()
		next := old + (int64(d)-old)/4
		if t.avgDialTime.CompareAndSwap(old, next) {
			return
		}
	}
}

// Yield hands a connection back for reuse. It is closed instead when the
// transport is stopped or already keeps the maximum of idle connections.
func (t *Transport) Yield(pc *persistConn) {
	if pc == nil {
		return
	}
	t.yieldAt(pc, time.Now())
}

// yieldAt is Yield with the current time given by the caller.
func (t *Transport) yieldAt(pc *persistConn, now time.Time) {
	pc.used = now
	t.mu.Lock()
	q := &t.conns[pc.kind]
	if t.stopped || (t.maxIdle > 0 && q.len() >= t.maxIdle) {
		t.mu.Unlock()
		pc.c.Close()
		return
	}
	q.push(pc)
	t.mu.Unlock()
}

// Start runs the goroutine that closes expired idle connections. Calling it
// on a running Transport does nothing.
func (t *Transport) Start() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = false
	if t.stop != nil {
		return
	}
	t.stop = make(chan struct{})
	t.done = make(chan struct{})
	go t.cleanupLoop(t.stop, t.done)
}

// Stop ends the cleanup goroutine and closes every cached connection. Dial
// fails from then on, and connections yielded later are closed.
func (t *Transport) Stop() {
	t.mu.Lock()
	t.stopped = true
	stop, done := t.stop, t.done
	t.stop, t.done = nil, nil
	for k := range t.conns {
		t.conns[k].drain(func(pc *persistConn) { pc.c.Close() })
	}
	t.mu.Unlock()

	if stop != nil {
		close(stop)
		<-done
	}
}

// cleanupLoop calls cleanup every expire interval until stop is closed.
func (t *Transport) cleanupLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t.mu.Lock()
	interval := t.expire
	t.mu.Unlock()
	if interval < time.Second {
		interval = time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			t.cleanup(time.Now())
		}
	}
}

// cleanup closes the idle connections that expired or grew too old by now.
func (t *Transport) cleanup(now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for k := range t.conns {
		q := &t.conns[k]
		// The queue is ordered by last use: expired ones are at the front.
		for q.len() > 0 && now.Sub(q.peek().used) >= t.expire {
			q.pop().c.Close()
		}
		if t.maxAge > 0 {
			q.filter(func(pc *persistConn) bool {
				if now.Sub(pc.created) >= t.maxAge {
					pc.c.Close()
					return false
				}
				return true
			})
		}
	}
}

// SetExpire sets how long an idle connection is kept.
func (t *Transport) SetExpire(expire time.Duration) {
	t.mu.Lock()
	t.expire = expire
	t.mu.Unlock()
}

// SetMaxAge sets the lifetime after which a connection is not reused, however
// busy it is; 0 means no limit.
func (t *Transport) SetMaxAge(maxAge time.Duration) {
	t.mu.Lock()
	t.maxAge = maxAge
	t.mu.Unlock()
}

// SetMaxIdleConns limits the idle connections kept per protocol; 0 means no
// limit.
func (t *Transport) SetMaxIdleConns(n int) {
	t.mu.Lock()
	t.maxIdle = n
	t.mu.Unlock()
}

// SetTLSConfig makes every connection DNS over TLS with cfg.
func (t *Transport) SetTLSConfig(cfg *tls.Config) { t.tlsConfig = cfg }

// GetTLSConfig returns the TLS configuration, nil for plain DNS.
func (t *Transport) GetTLSConfig() *tls.Config { return t.tlsConfig }

// SetLocalAddress sets the source address of new connections.
func (t *Transport) SetLocalAddress(addr net.IP) { t.localAddr = addr }

// connQueue is a growable ring buffer of connections.
type connQueue struct {
	buf  []*persistConn
	head int
	n    int
}

func (q *connQueue) len() int { return q.n }

func (q *connQueue) peek() *persistConn { return q.buf[q.head] }

func (q *connQueue) push(pc *persistConn) {
	if q.n == len(q.buf) {
		grown := make([]*persistConn, max(2*len(q.buf), 4))
		for i := range q.n {
			grown[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = grown, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = pc
	q.n++
}

func (q *connQueue) pop() *persistConn {
	pc := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return pc
}

// filter keeps, in order, the connections for which keep returns true.
func (q *connQueue) filter(keep func(*persistConn) bool) {
	n := q.n
	for range n {
		if pc := q.pop(); keep(pc) {
			q.push(pc)
		}
	}
}

// drain pops every connection and passes it to f.
func (q *connQueue) drain(f func(*persistConn)) {
	for q.n > 0 {
		f(q.pop())
	}
}
