package dnstap

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tap "github.com/dnstap/golang-dnstap"
	fs "github.com/farsightsec/golang-framestream"
	"google.golang.org/protobuf/proto"
)

const (
	// queueUnit is the queue length for a QUEUE multiple of 1.
	queueUnit = 10000
	// writeBufUnit is the socket write buffer for a WRITEBUFFER multiple of 1.
	writeBufUnit = 1 << 20

	// dialTimeout bounds one connection attempt to the collector.
	dialTimeout = 2 * time.Second
	// ioTimeout bounds a write to, or a handshake with, the collector.
	ioTimeout = 2 * time.Second
	// flushInterval is how often buffered frames are pushed out, lost
	// connections retried and dropped messages reported.
	flushInterval = time.Second
)

// contentType is the frame streams content type of dnstap payloads.
var contentType = []byte("protobuf:dnstap.Dnstap")

// tapper takes dnstap payloads for delivery; it must never block.
type tapper interface {
	Dnstap(*tap.Dnstap)
}

// WarnLogger is where the writer reports connection trouble and drops.
type WarnLogger interface {
	Warningf(format string, v ...any)
}

// writer delivers dnstap payloads to one collector over a unix, TCP or TLS
// socket. Payloads wait in a bounded queue; when it is full, or while the
// collector cannot be reached, they are dropped and counted. A background
// goroutine owns the connection and redials it when it breaks.
type writer struct {
	proto      string // "unix", "tcp" or "tls"
	endpoint   string // path or host:port
	skipVerify bool
	writeBuf   int // socket write buffer in bytes, TCP and TLS only
	logger     WarnLogger

	queue   chan *tap.Dnstap
	dropped atomic.Uint64

	quit    chan struct{}
	done    chan struct{}
	once    sync.Once
	started atomic.Bool

	// Owned by the goroutine once it runs.
	conn net.Conn
	enc  *fs.Encoder
}

// newWriter returns a writer for endpoint; it does nothing until start.
func newWriter(proto, endpoint string, skipVerify bool, writeBufMultiple, queueMultiple int, logger WarnLogger) *writer {
	return &writer{
		proto:      proto,
		endpoint:   endpoint,
		skipVerify: skipVerify,
		writeBuf:   writeBufMultiple * writeBufUnit,
		logger:     logger,
		queue:      make(chan *tap.Dnstap, queueMultiple*queueUnit),
		quit:       make(chan struct{}),
		done:       make(chan struct{}),
	}
}

// Dnstap queues p, or drops it when the queue is full.
func (w *writer) Dnstap(p *tap.Dnstap) {
	select {
	case w.queue <- p:
	default:
		w.dropped.Add(1)
	}
}

// start makes a first connection attempt and starts the goroutine that
// writes the queue out. A collector that is down is not an error: the
// goroutine keeps trying.
func (w *writer) start() {
	if !w.started.CompareAndSwap(false, true) {
		return
	}
	if err := w.connect(); err != nil {
		w.logger.Warningf("Cannot connect to dnstap collector %s://%s (will retry): %s", w.proto, w.endpoint, err)
	}
	go w.run()
}

// stop ends the goroutine after it has written what is queued, and closes
// the connection. It is safe to call more than once, and before start.
func (w *writer) stop() {
	w.once.Do(func() { close(w.quit) })
	if !w.started.Load() {
		return
	}
	select {
	case <-w.done:
	case <-time.After(2 * ioTimeout):
		// Stuck on a dead peer beyond its deadlines: do not hold up shutdown.
	}
}

// dial opens a connection to the collector.
func (w *writer) dial() (net.Conn, error) {
	d := &net.Dialer{Timeout: dialTimeout}
	switch w.proto {
	case "tls":
		host, _, _ := net.SplitHostPort(w.endpoint)
		cfg := &tls.Config{ServerName: host, InsecureSkipVerify: w.skipVerify} //nolint:gosec // skipverify is the user's choice
		return tls.DialWithDialer(d, "tcp", w.endpoint, cfg)
	case "tcp":
		return d.Dial("tcp", w.endpoint)
	}
	return d.Dial("unix", w.endpoint)
}

// connect dials the collector and does the frame streams handshake.
func (w *writer) connect() error {
	conn, err := w.dial()
	if err != nil {
		return err
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetWriteBuffer(w.writeBuf) //nolint:errcheck // a hint to the kernel
	}
	enc, err := fs.NewEncoder(conn, &fs.EncoderOptions{
		ContentType:   contentType,
		Bidirectional: true,
		Timeout:       ioTimeout,
	})
	if err != nil {
		conn.Close()
		return err
	}
	w.conn, w.enc = conn, enc
	return nil
}

// disconnect drops the connection without the closing handshake.
func (w *writer) disconnect() {
	if w.conn != nil {
		w.conn.Close()
	}
	w.conn, w.enc = nil, nil
}

// write encodes p onto the connection; without one, p is dropped.
func (w *writer) write(p *tap.Dnstap) {
	if w.enc == nil {
		w.dropped.Add(1)
		return
	}
	buf, err := proto.Marshal(p)
	if err == nil {
		_, err = w.enc.Write(buf)
	}
	if err != nil {
		w.dropped.Add(1)
		w.logger.Warningf("Connection to dnstap collector %s://%s lost: %s", w.proto, w.endpoint, err)
		w.disconnect()
	}
}

// flush pushes buffered frames to the collector.
func (w *writer) flush() {
	if w.enc == nil {
		return
	}
	if err := w.enc.Flush(); err != nil {
		w.logger.Warningf("Connection to dnstap collector %s://%s lost: %s", w.proto, w.endpoint, err)
		w.disconnect()
	}
}

// tick flushes buffered frames, redials a lost collector and reports drops.
func (w *writer) tick() {
	w.flush()
	if w.enc == nil {
		w.connect() //nolint:errcheck // retried on the next tick; drops are reported below
	}
	if n := w.dropped.Swap(0); n > 0 {
		w.logger.Warningf("Dropped dnstap messages: %d", n)
	}
}

// run writes queued payloads until stop.
func (w *writer) run() {
	defer close(w.done)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	for {
		select {
		case p := <-w.queue:
			w.write(p)
			if len(w.queue) == 0 {
				// Idle: push the frame out now rather than on the next tick.
				w.flush()
			}
		case <-t.C:
			w.tick()
		case <-w.quit:
			w.drain()
			return
		}
	}
}

// drain writes what is still queued and closes the stream cleanly.
func (w *writer) drain() {
	for {
		select {
		case p := <-w.queue:
			w.write(p)
			continue
		default:
		}
		break
	}
	if w.enc != nil {
		w.enc.Flush() //nolint:errcheck // closing anyway
		w.enc.Close() //nolint:errcheck // the collector may be gone
	}
	w.disconnect()
}
