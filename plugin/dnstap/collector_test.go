package dnstap

import (
	"net"
	"testing"
	"time"

	tap "github.com/dnstap/golang-dnstap"
	fs "github.com/farsightsec/golang-framestream"
	"google.golang.org/protobuf/proto"
)

// collector is a dnstap receiver: it accepts frame streams connections on ln
// and hands every decoded payload to got.
type collector struct {
	ln  net.Listener
	got chan *tap.Dnstap
}

func newCollector(t *testing.T, network, addr string) *collector {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &collector{ln: ln, got: make(chan *tap.Dnstap, 100)}
	t.Cleanup(func() { ln.Close() })
	go c.accept()
	return c
}

func (c *collector) accept() {
	for {
		conn, err := c.ln.Accept()
		if err != nil {
			return
		}
		go c.read(conn)
	}
}

func (c *collector) read(conn net.Conn) {
	defer conn.Close()
	dec, err := fs.NewDecoder(conn, &fs.DecoderOptions{ContentType: contentType, Bidirectional: true})
	if err != nil {
		return
	}
	for {
		buf, err := dec.Decode()
		if err != nil {
			return
		}
		p := &tap.Dnstap{}
		if proto.Unmarshal(buf, p) == nil {
			c.got <- p
		}
	}
}

// next waits for the next payload.
func (c *collector) next(t *testing.T) *tap.Dnstap {
	t.Helper()
	select {
	case p := <-c.got:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no dnstap payload within 5s")
	}
	return nil
}

// testLogger records warnings.
type testLogger struct{ warnings chan string }

func (l testLogger) Warningf(format string, v ...any) {
	select {
	case l.warnings <- format:
	default:
	}
}
