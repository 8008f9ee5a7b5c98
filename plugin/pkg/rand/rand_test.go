package rand

import (
	"slices"
	"sync"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := New(42), New(42)
	for i := range 10 {
		if x, y := a.Int(), b.Int(); x != y || x < 0 {
			t.Fatalf("draw %d: %d and %d from the same seed", i, x, y)
		}
	}
}

func TestPerm(t *testing.T) {
	r := New(1)
	tests := []int{0, 1, 2, 10, 100}
	for _, n := range tests {
		p := r.Perm(n)
		if len(p) != n {
			t.Fatalf("Perm(%d) has length %d", n, len(p))
		}
		sorted := slices.Sorted(slices.Values(p))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("Perm(%d) = %v is not a permutation", n, p)
			}
		}
	}
}

func TestConcurrent(t *testing.T) {
	r := New(7)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 1000 {
				r.Int()
				r.Perm(5)
			}
		}()
	}
	wg.Wait()
}
