// Package uniq runs a piece of work once per key, e.g. to start one
// listener for several servers that share it.
package uniq

import "sync"

// U records functions to run, at most one per key, and runs each of them
// once. It is safe for concurrent use.
type U struct {
	mu    sync.Mutex
	items map[string]*item
	order []string // keys in the order they were first set
}

type item struct {
	done bool
	f    func() error
}

// New returns an empty U.
func New() *U {
	return &U{items: make(map[string]*item)}
}

// Set registers f under key unless key is already registered, in which
// case the first registration wins.
func (u *U) Set(key string, f func() error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.items[key]; ok {
		return
	}
	u.items[key] = &item{f: f}
	u.order = append(u.order, key)
}

// Unset forgets key, so a later Set registers anew.
func (u *U) Unset(key string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.items[key]; !ok {
		return
	}
	delete(u.items, key)
	for i, k := range u.order {
		if k == key {
			u.order = append(u.order[:i], u.order[i+1:]...)
			break
		}
	}
}

// ForEach runs every function that has not run yet, in registration order,
// and marks it done whether or not it failed. It returns the first error.
// The functions run without U locked, so they may call Set and Unset.
func (u *U) ForEach() error {
	u.mu.Lock()
	var todo []func() error
	for _, k := range u.order {
		it := u.items[k]
		if it.done {
			continue
		}
		it.done = true
		todo = append(todo, it.f)
	}
	u.mu.Unlock()

	var first error
	for _, f := range todo {
		if err := f(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
