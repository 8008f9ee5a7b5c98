package shed

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// stackSize bounds the responses queued for one UDP socket. A socket here
// sends some 50-200k responses a second, so 1024 of them are 5-20 ms of
// sending: young enough that their clients are still waiting, while older
// ones, whose clients have likely retried, are evicted. It also bounds what
// a stalled socket holds to about a megabyte of typical responses. It must
// be a power of two (the ring index is masked).
const stackSize = 1024

// writerLinger is how long an idle writer goroutine waits for more work
// before it exits. Exiting when idle means no goroutine outlives a stopped
// server, even one stopped without its shutdown callbacks; lingering keeps
// steady traffic from starting a goroutine per response. A variable only so
// that tests can shorten it.
var writerLinger = time.Second

// maxPooledBuf is the largest response buffer put back in the pool.
const maxPooledBuf = 64 * 1024

// bufPool holds the copies of packed responses waiting in a stack.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func putBuf(bp *[]byte) {
	if cap(*bp) <= maxPooledBuf {
		*bp = (*bp)[:0]
		bufPool.Put(bp)
	}
}

// pending is a packed response waiting to be written through w.
type pending struct {
	w   dns.Writer
	buf *[]byte
}

// socket is the state of one UDP socket (one *dnsserver.Server): a bounded
// stack of responses, newest on top, and at most one goroutine writing them.
// When the stack is full a new response evicts the oldest.
type socket struct {
	mu      sync.Mutex
	ring    [stackSize]pending
	top     int  // slot of the next push; top-1 is the newest response
	n       int  // responses queued
	running bool // a writer goroutine exists
	closed  bool // shut down: responses are written by the caller

	linger time.Duration // writerLinger when the socket was made

	depth atomic.Int32  // n, for the lock-free full check of the handler
	wake  chan struct{} // tells an idle writer that the stack is not empty
	done  chan struct{} // closed on shutdown

	evicted  prometheus.Counter
	overload prometheus.Counter
}

func newSocket(server string) *socket {
	return &socket{
		linger:   writerLinger,
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		evicted:  DroppedCount.WithLabelValues(server, reasonEvicted),
		overload: DroppedCount.WithLabelValues(server, reasonOverload),
	}
}

// full reports whether the stack holds stackSize responses.
func (s *socket) full() bool { return s.depth.Load() >= stackSize }

// decorate is the dns.DecorateWriter of the socket.
func (s *socket) decorate(w dns.Writer) dns.Writer { return &writer{s: s, w: w} }

// writer is the dns.Writer of one UDP query: it queues what it is given.
type writer struct {
	s *socket
	w dns.Writer
}

// Write queues a copy of b for the socket's writer and returns at once.
func (w *writer) Write(b []byte) (int, error) {
	w.s.push(w.w, b)
	return len(b), nil
}

// push queues a copy of b, to be written through w, on top of the stack.
func (s *socket) push(w dns.Writer, b []byte) {
	bp := bufPool.Get().(*[]byte)
	*bp = append((*bp)[:0], b...)

	s.mu.Lock()
	if s.closed {
		// Shutting down: write in place, still one writer at a time.
		w.Write(*bp) //nolint:errcheck // a UDP client retries
		s.mu.Unlock()
		putBuf(bp)
		return
	}
	var evicted *[]byte
	if s.n == stackSize {
		// The ring is full, so the slot of the next push holds the oldest.
		evicted = s.ring[s.top].buf
		s.n--
	}
	s.ring[s.top] = pending{w: w, buf: bp}
	s.top = (s.top + 1) & (stackSize - 1)
	s.n++
	s.depth.Store(int32(s.n))
	start := !s.running
	s.running = true
	wasEmpty := s.n == 1
	s.mu.Unlock()

	if evicted != nil {
		putBuf(evicted)
		s.evicted.Inc()
	}
	switch {
	case start:
		go s.run()
	case wasEmpty:
		// The writer may have found the stack empty and be waiting: wake
		// it. While the stack is not empty it keeps popping by itself.
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// pop takes the newest response off the stack.
func (s *socket) pop() (pending, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return pending{}, false
	}
	s.top = (s.top - 1) & (stackSize - 1)
	p := s.ring[s.top]
	s.ring[s.top] = pending{}
	s.n--
	s.depth.Store(int32(s.n))
	return p, true
}

// run writes responses, newest first, until the stack has stayed empty for
// the linger time or the socket is shut down.
func (s *socket) run() {
	idle := time.NewTimer(s.linger)
	defer idle.Stop()
	for {
		for {
			p, ok := s.pop()
			if !ok {
				break
			}
			p.w.Write(*p.buf) //nolint:errcheck // a UDP client retries
			putBuf(p.buf)
		}
		idle.Reset(s.linger)
		select {
		case <-s.wake:
		case <-s.done:
			return
		case <-idle.C:
			s.mu.Lock()
			if s.n == 0 {
				s.running = false
				s.mu.Unlock()
				return
			}
			s.mu.Unlock()
		}
	}
}

// close drops the queued responses and stops the writer; later responses
// are written by the goroutine answering the query.
func (s *socket) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	for s.n > 0 {
		s.top = (s.top - 1) & (stackSize - 1)
		putBuf(s.ring[s.top].buf)
		s.ring[s.top] = pending{}
		s.n--
	}
	s.depth.Store(0)
	close(s.done)
}
