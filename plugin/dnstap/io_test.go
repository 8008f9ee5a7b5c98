package dnstap

import (
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	tap "github.com/dnstap/golang-dnstap"
	"google.golang.org/protobuf/proto"
)

func payload(id string) *tap.Dnstap {
	return &tap.Dnstap{Type: &payloadType, Identity: []byte(id), Message: &tap.Message{Type: tap.Message_CLIENT_QUERY.Enum()}}
}

func TestWriterDelivers(t *testing.T) {
	unixPath := filepath.Join(t.TempDir(), "dnstap.sock")
	for _, tc := range []struct{ proto, network, addr string }{
		{"unix", "unix", unixPath},
		{"tcp", "tcp", "127.0.0.1:0"},
	} {
		t.Run(tc.proto, func(t *testing.T) {
			col := newCollector(t, tc.network, tc.addr)
			w := newWriter(tc.proto, col.ln.Addr().String(), false, 1, 1, testLogger{make(chan string, 10)})
			w.start()
			defer w.stop()
			for _, id := range []string{"a", "b", "c"} {
				w.Dnstap(payload(id))
			}
			for _, id := range []string{"a", "b", "c"} {
				if got := col.next(t); !proto.Equal(got, payload(id)) {
					t.Errorf("got %v, want %v", got, payload(id))
				}
			}
		})
	}
}

// A collector that comes up late is connected to in the background.
func TestWriterReconnects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "late.sock")
	logger := testLogger{make(chan string, 10)}
	w := newWriter("unix", path, false, 1, 1, logger)
	w.start()
	defer w.stop()
	select {
	case <-logger.warnings:
	default:
		t.Error("no warning about the missing collector")
	}

	col := newCollector(t, "unix", path)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		w.Dnstap(payload("late"))
		select {
		case got := <-col.got:
			if !proto.Equal(got, payload("late")) {
				t.Fatalf("got %v", got)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
	t.Fatal("writer never reconnected")
}

// A full queue drops instead of blocking the caller.
func TestWriterDropsWhenFull(t *testing.T) {
	w := newWriter("unix", "/nonexistent/dnstap.sock", false, 1, 1, testLogger{make(chan string, 10)})
	// Not started: nothing drains the queue.
	done := make(chan struct{})
	go func() {
		for range queueUnit + 5 {
			w.Dnstap(payload("x"))
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Dnstap blocked on a full queue")
	}
	if n := w.dropped.Load(); n != 5 {
		t.Errorf("dropped %d, want 5", n)
	}
}

func TestWriterTLS(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{ln: ln, got: make(chan *tap.Dnstap, 100)}
	t.Cleanup(func() { ln.Close() })
	go col.accept()

	// The test CA is not trusted: without skipverify nothing connects.
	logger := testLogger{make(chan string, 10)}
	strict := newWriter("tls", ln.Addr().String(), false, 1, 1, logger)
	strict.start()
	strict.Dnstap(payload("strict"))
	strict.stop()
	select {
	case w := <-logger.warnings:
		if !strings.Contains(w, "Cannot connect") {
			t.Errorf("warning %q", w)
		}
	default:
		t.Error("no warning for an unverifiable collector")
	}

	w := newWriter("tls", ln.Addr().String(), true, 1, 1, testLogger{make(chan string, 10)})
	w.start()
	defer w.stop()
	w.Dnstap(payload("tls"))
	if got := col.next(t); !proto.Equal(got, payload("tls")) {
		t.Errorf("got %v", got)
	}
}
