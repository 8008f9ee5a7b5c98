package reload

import (
	"crypto/sha512"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/caddy"

	dto "github.com/prometheus/client_model/go"
)

// writeFile replaces the file at path in one step (write aside, rename), so
// that the watcher never reads it half written.
func writeFile(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func sumOf(s string) [sha512.Size]byte { return sha512.Sum512([]byte(s)) }

// input is a Corefile input.
type input struct{ path string }

func (i input) Body() []byte       { return nil }
func (i input) Path() string       { return i.path }
func (i input) ServerType() string { return "dns" }

// restarter records the Corefiles it is asked to start; those containing
// "broken" fail.
type restarter struct {
	mu    sync.Mutex
	seen  []string
	types []string
}

func (rs *restarter) restart(in caddy.Input) (*caddy.Instance, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.seen = append(rs.seen, string(in.Body()))
	rs.types = append(rs.types, in.ServerType())
	if strings.Contains(string(in.Body()), "broken") {
		return nil, errors.New("broken Corefile")
	}
	return nil, nil
}

func (rs *restarter) calls() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]string(nil), rs.seen...)
}

func TestWatch(t *testing.T) {
	path := t.TempDir() + "/Corefile"
	const first = ". {\n  whoami\n}\n"
	if err := writeFile(path, first); err != nil {
		t.Fatal(err)
	}
	r := &reload{interval: 10 * time.Millisecond, quit: make(chan struct{})}
	rs := &restarter{}
	failed := counter(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.watch(input{path: path}, sumOf(first), rs.restart)
	}()

	// Nothing changed: nothing happens.
	time.Sleep(50 * time.Millisecond)
	if c := rs.calls(); len(c) != 0 {
		t.Fatalf("restarted with an unchanged Corefile: %q", c)
	}

	// A broken file is tried once and counted once.
	if err := writeFile(path, "broken"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return len(rs.calls()) == 1 })
	time.Sleep(50 * time.Millisecond)
	if c := rs.calls(); len(c) != 1 || c[0] != "broken" {
		t.Fatalf("restarts: %q, want one with the broken file", c)
	}
	if c := counter(t); c != failed+1 {
		t.Errorf("failures went from %v to %v, want one more", failed, c)
	}

	// A good file restarts the instance and ends this watcher: the new
	// instance watches from now on.
	const second = ". {\n  whoami\n  log\n}\n"
	if err := writeFile(path, second); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("watcher did not return after a successful restart")
	}
	if c := rs.calls(); len(c) != 2 || c[1] != second || rs.types[1] != "dns" {
		t.Errorf("restarts: %q (%q), want the new Corefile for dns last", c, rs.types)
	}
}

func TestWatchStops(t *testing.T) {
	path := t.TempDir() + "/Corefile"
	if err := writeFile(path, "x"); err != nil {
		t.Fatal(err)
	}
	r := &reload{interval: 10 * time.Millisecond, quit: make(chan struct{})}
	rs := &restarter{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.watch(input{path: path}, sumOf("x"), rs.restart)
	}()
	r.OnShutdown()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("watcher did not stop")
	}
	if err := writeFile(path, "y"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	if c := rs.calls(); len(c) != 0 {
		t.Errorf("a stopped watcher restarted: %q", c)
	}
}

func TestWatchNotAFile(t *testing.T) {
	r := &reload{interval: time.Hour, quit: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.watch(input{path: "/dev/stdin"}, sumOf(""), (&restarter{}).restart)
	}()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("watcher of a Corefile that is no file did not return")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func counter(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := FailedCount.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
