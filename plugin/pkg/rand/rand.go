// Package rand provides a pseudo random source that is safe for concurrent
// use, for shuffling records and picking upstreams (not for cryptography).
package rand

import (
	"math/rand"
	"sync"
)

// Rand is a seeded pseudo random generator guarded by a mutex.
type Rand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// New returns a Rand seeded with seed.
func New(seed int64) *Rand {
	return &Rand{r: rand.New(rand.NewSource(seed))}
}

// Int returns a non-negative pseudo random int.
func (r *Rand) Int() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.Int()
}

// Perm returns a pseudo random permutation of the integers [0, n).
func (r *Rand) Perm(n int) []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.r.Perm(n)
}
