package up

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

var errDown = errors.New("down")

// failing returns a Func that fails n times before succeeding, and the
// counter of its calls.
func failing(n int32) (Func, *atomic.Int32) {
	var calls atomic.Int32
	return func() error {
		if calls.Add(1) <= n {
			return errDown
		}
		return nil
	}, &calls
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

func idle(p *Probe) bool {
	p.Lock()
	defer p.Unlock()
	return p.done == nil
}

func TestProbeRetriesUntilUp(t *testing.T) {
	tests := []struct {
		name  string
		fails int32
	}{
		{"up at once", 0},
		{"up after three failures", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			p.Start(time.Millisecond)
			defer p.Stop()

			f, calls := failing(tc.fails)
			p.Do(f)
			waitFor(t, "probe to finish", func() bool { return idle(p) })
			if got := calls.Load(); got != tc.fails+1 {
				t.Errorf("probe called %d times, want %d", got, tc.fails+1)
			}
		})
	}
}

func TestProbeSingleRun(t *testing.T) {
	p := New()
	p.Start(time.Millisecond)
	defer p.Stop()

	release := make(chan struct{})
	var first, others atomic.Int32
	p.Do(func() error { first.Add(1); <-release; return nil })
	for range 5 {
		p.Do(func() error { others.Add(1); return nil })
	}
	close(release)
	waitFor(t, "probe to finish", func() bool { return idle(p) })
	if first.Load() != 1 || others.Load() != 0 {
		t.Errorf("first ran %d times, others %d; want 1 and 0", first.Load(), others.Load())
	}

	// Once idle, a new Do starts a new probe.
	f, calls := failing(0)
	p.Do(f)
	waitFor(t, "second probe", func() bool { return calls.Load() == 1 && idle(p) })
}

func TestProbeStop(t *testing.T) {
	p := New()
	p.Start(time.Millisecond)

	f, calls := failing(1 << 30)
	p.Do(f)
	waitFor(t, "a few attempts", func() bool { return calls.Load() >= 3 })
	p.Stop()
	if !idle(p) {
		t.Fatal("probe still running after Stop returned")
	}
	n := calls.Load()
	time.Sleep(20 * time.Millisecond)
	if calls.Load() != n {
		t.Error("probe kept running after Stop")
	}

	// A stopped Probe ignores Do until started again.
	g, gcalls := failing(0)
	p.Do(g)
	time.Sleep(10 * time.Millisecond)
	if gcalls.Load() != 0 {
		t.Error("Do ran a probe on a stopped Probe")
	}
	p.Start(time.Millisecond)
	p.Do(g)
	waitFor(t, "probe after restart", func() bool { return gcalls.Load() == 1 })
	p.Stop()
	p.Stop() // stopping twice is fine
}

func TestProbeStopWhileIdle(t *testing.T) {
	p := New()
	p.Stop()
	p.Start(time.Second)
	p.Stop()
}
