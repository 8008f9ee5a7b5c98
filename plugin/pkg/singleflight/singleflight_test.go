package singleflight

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		val     any
		err     error
		wantVal any
	}{
		{"value", "bar", nil, "bar"},
		{"error", nil, errBoom, nil},
		{"both", 42, errBoom, 42},
	}
	var g Group
	for i, tc := range tests {
		v, err := g.Do(uint64(i), func() (any, error) { return tc.val, tc.err })
		if v != tc.wantVal || !errors.Is(err, tc.err) {
			t.Errorf("%s: Do() = %v, %v; want %v, %v", tc.name, v, err, tc.wantVal, tc.err)
		}
	}
}

func TestDoDupSuppress(t *testing.T) {
	var g Group
	release := make(chan struct{})
	var calls atomic.Int32
	fn := func() (any, error) {
		calls.Add(1)
		<-release
		return "shared", nil
	}

	const n = 10
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started.Done()
			v, err := g.Do(1, fn)
			if v != "shared" || err != nil {
				t.Errorf("Do() = %v, %v", v, err)
			}
		}()
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond) // let the goroutines reach Do
	close(release)
	wg.Wait()
	if c := calls.Load(); c < 1 || c >= n {
		t.Errorf("fn ran %d times for %d concurrent callers", c, n)
	}

	// Once finished, the key is forgotten and fn runs again.
	before := calls.Load()
	g.Do(1, fn)
	if calls.Load() != before+1 {
		t.Error("finished call was not forgotten")
	}
}

func TestDoPanicReleasesKey(t *testing.T) {
	var g Group
	func() {
		defer func() { recover() }()
		g.Do(7, func() (any, error) { panic("oops") })
	}()
	v, err := g.Do(7, func() (any, error) { return 1, nil })
	if v != 1 || err != nil {
		t.Errorf("Do() after panic = %v, %v; want 1, nil", v, err)
	}
}
