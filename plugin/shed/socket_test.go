package shed

import (
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// recWriter records what the socket's writer sends through it. When gate is
// set, every Write waits for a value on it first.
type recWriter struct {
	name string
	gate chan struct{}

	mu  sync.Mutex
	got []string
}

func (w *recWriter) Write(b []byte) (int, error) {
	if w.gate != nil {
		<-w.gate
	}
	w.mu.Lock()
	w.got = append(w.got, string(b))
	w.mu.Unlock()
	return len(b), nil
}

func (w *recWriter) written() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

// sharedWriter sends every write to one log, prefixed by the writer's name,
// so that the order across writers can be checked.
type sharedWriter struct {
	name string
	log  *recWriter
}

func (w *sharedWriter) Write(b []byte) (int, error) {
	return w.log.Write([]byte(w.name + ":" + string(b)))
}

// parked returns a socket whose stack is filled and emptied by hand: it
// pretends a writer goroutine exists, so push never starts one.
func parked(server string) *socket {
	s := newSocket(server)
	s.running = true
	return s
}

func dropped(server, reason string) float64 {
	return testutil.ToFloat64(DroppedCount.WithLabelValues(server, reason))
}

func TestStack(t *testing.T) {
	tests := []struct {
		name    string
		pushes  int
		want    []string // popped, newest first
		evicted float64
	}{
		{name: "empty", pushes: 0, want: nil},
		{name: "one", pushes: 1, want: []string{"0"}},
		{name: "newest first", pushes: 3, want: []string{"2", "1", "0"}},
		{name: "exactly full", pushes: stackSize, want: seq(stackSize-1, 0)},
		{name: "evicts oldest", pushes: stackSize + 3, want: seq(stackSize+2, 3), evicted: 3},
		{name: "evicts a whole round", pushes: 2*stackSize + 1, want: seq(2*stackSize, stackSize+1), evicted: stackSize + 1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			server := "dns://stack-" + strconv.Itoa(i) + ":53"
			s := parked(server)
			evicted0 := dropped(server, reasonEvicted)
			overload0 := dropped(server, reasonOverload)
			w := &sharedWriter{name: "w", log: &recWriter{}}
			for k := range tc.pushes {
				s.push(w, []byte(strconv.Itoa(k)))
			}
			wantFull := tc.pushes >= stackSize
			if s.full() != wantFull {
				t.Errorf("full() = %v, want %v", s.full(), wantFull)
			}
			var got []string
			for {
				p, ok := s.pop()
				if !ok {
					break
				}
				if p.w != dns.Writer(w) {
					t.Fatalf("popped a response for another writer")
				}
				got = append(got, string(*p.buf))
				putBuf(p.buf)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("popped %d responses %s, want %d %s", len(got), brief(got), len(tc.want), brief(tc.want))
			}
			if s.full() || s.depth.Load() != 0 {
				t.Errorf("after draining: depth %d", s.depth.Load())
			}
			if n := dropped(server, reasonEvicted) - evicted0; n != tc.evicted {
				t.Errorf("evicted counter = %v, want %v", n, tc.evicted)
			}
			if n := dropped(server, reasonOverload) - overload0; n != 0 {
				t.Errorf("overload counter = %v, want 0", n)
			}
		})
	}
}

// TestStackCopies checks that a response is copied: the server reuses the
// buffer it passed to Write as soon as Write returns.
func TestStackCopies(t *testing.T) {
	s := parked("dns://copies:53")
	w := &recWriter{}
	b := []byte("first")
	s.decorate(w).Write(b)
	copy(b, "XXXXX")
	p, ok := s.pop()
	if !ok || string(*p.buf) != "first" {
		t.Fatalf("queued %q, want %q", *p.buf, "first")
	}
}

// TestWriterNewestFirst runs the real writer goroutine: while it is stuck
// on a write, responses pile up and are then written newest first, each
// through the writer of its own query.
func TestWriterNewestFirst(t *testing.T) {
	s := newSocket("dns://newest:53")
	defer s.close()
	log := &recWriter{gate: make(chan struct{})}
	a, b, c := &sharedWriter{"a", log}, &sharedWriter{"b", log}, &sharedWriter{"c", log}

	s.decorate(a).Write([]byte("1"))
	waitFor(t, "the writer to take the first response", func() bool { return s.depth.Load() == 0 })
	s.decorate(b).Write([]byte("2"))
	s.decorate(c).Write([]byte("3"))
	s.decorate(a).Write([]byte("4"))
	for range 4 {
		log.gate <- struct{}{}
	}
	waitFor(t, "four writes", func() bool { return len(log.written()) == 4 })
	want := []string{"a:1", "a:4", "c:3", "b:2"}
	if got := log.written(); !slices.Equal(got, want) {
		t.Errorf("written %v, want %v", got, want)
	}
}

// TestWriterEvictsUnderStall stalls the socket and checks that it ends up
// writing the newest stackSize responses only.
func TestWriterEvictsUnderStall(t *testing.T) {
	const server = "dns://stall:53"
	s := newSocket(server)
	defer s.close()
	evicted0 := dropped(server, reasonEvicted)
	w := &recWriter{gate: make(chan struct{})}
	s.decorate(w).Write([]byte("first"))
	waitFor(t, "the writer to take the first response", func() bool { return s.depth.Load() == 0 })
	const more = stackSize + 10
	for k := range more {
		s.decorate(w).Write([]byte(strconv.Itoa(k)))
	}
	if !s.full() {
		t.Fatal("stack not full")
	}
	close(w.gate)
	waitFor(t, "the stack to drain", func() bool { return len(w.written()) == stackSize+1 })
	got := w.written()
	if got[0] != "first" || got[1] != strconv.Itoa(more-1) || got[stackSize] != "10" {
		t.Errorf("written %s, want first, %d ... 10", brief(got), more-1)
	}
	if n := dropped(server, reasonEvicted) - evicted0; n != 10 {
		t.Errorf("evicted counter = %v, want 10", n)
	}
}

// TestWriterExits checks that the writer goroutine goes away when idle and
// at shutdown, and that a closed socket writes in place.
func TestWriterExits(t *testing.T) {
	defer func(d time.Duration) { writerLinger = d }(writerLinger)

	writerLinger = 20 * time.Millisecond
	idle := newSocket("dns://exits:53")
	w := &recWriter{}
	for k := range 2 {
		idle.decorate(w).Write([]byte(strconv.Itoa(k)))
		waitFor(t, "the write", func() bool { return len(w.written()) == k+1 })
		waitFor(t, "the idle writer to exit", func() bool { return writers() == 0 })
	}

	writerLinger = time.Hour
	s := newSocket("dns://exits:53")
	w = &recWriter{}
	s.decorate(w).Write([]byte("1"))
	waitFor(t, "the write", func() bool { return len(w.written()) == 1 })
	if n := writers(); n != 1 {
		t.Fatalf("%d writers, want 1", n)
	}
	s.close()
	waitFor(t, "the writer to exit on close", func() bool { return writers() == 0 })
	s.close() // twice is fine

	s.decorate(w).Write([]byte("2"))
	if got, want := w.written(), []string{"1", "2"}; !slices.Equal(got, want) {
		t.Errorf("written %v, want %v", got, want)
	}
	if writers() != 0 {
		t.Errorf("a closed socket started a writer")
	}
}

// TestCloseDropsQueued checks that what is queued at shutdown is dropped.
func TestCloseDropsQueued(t *testing.T) {
	s := parked("dns://close:53")
	w := &recWriter{}
	for k := range 5 {
		s.push(w, []byte(strconv.Itoa(k)))
	}
	s.close()
	if _, ok := s.pop(); ok || s.depth.Load() != 0 {
		t.Errorf("responses left after close")
	}
	if len(w.written()) != 0 {
		t.Errorf("close wrote %v", w.written())
	}
}

// TestWriterConcurrent pushes from many goroutines while the writer drains
// (run with -race).
func TestWriterConcurrent(t *testing.T) {
	const server = "dns://concurrent:53"
	s := newSocket(server)
	defer s.close()
	evicted0 := dropped(server, reasonEvicted)
	w := &recWriter{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range 500 {
				s.decorate(w).Write([]byte(strconv.Itoa(g*1000 + k)))
			}
		})
	}
	wg.Wait()
	evicted := dropped(server, reasonEvicted) - evicted0
	waitFor(t, "every response", func() bool { return float64(len(w.written()))+evicted == 4000 })
}

// writers counts the writer goroutines of the package.
func writers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "shed.(*socket).run(")
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// seq returns the decimal numbers from hi down to lo.
func seq(hi, lo int) []string {
	var s []string
	for k := hi; k >= lo; k-- {
		s = append(s, strconv.Itoa(k))
	}
	return s
}

// brief shows the first and last elements of a long list.
func brief(s []string) string {
	if len(s) <= 6 {
		return "[" + strings.Join(s, " ") + "]"
	}
	return "[" + strings.Join(s[:3], " ") + " ... " + strings.Join(s[len(s)-3:], " ") + "]"
}
