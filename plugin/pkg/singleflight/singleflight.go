// Package singleflight suppresses duplicate concurrent calls: while a call
// for a key is in flight, others for the same key wait for and share its
// result.
package singleflight

import "sync"

// call is an in-flight or finished Do call.
type call struct {
	wg  sync.WaitGroup
	val any
	err error
}

// Group is a namespace of keys for which duplicate calls are suppressed.
// The zero value is ready to use.
type Group struct {
	mu sync.Mutex
	m  map[uint64]*call
}

// Do runs fn and returns its results, unless a call for key is already in
// flight, in which case it waits for that call and returns its results.
func (g *Group) Do(key uint64, fn func() (any, error)) (any, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[uint64]*call)
	}
	if c, ok := g.m[key]; ok {
		g.mu.Unlock()
		c.wg.Wait()
		return c.val, c.err
	}
	c := new(call)
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()

	// Forget the key and wake waiters even if fn panics, so they don't
	// block forever.
	defer func() {
		g.mu.Lock()
		delete(g.m, key)
		g.mu.Unlock()
		c.wg.Done()
	}()
	c.val, c.err = fn()
	return c.val, c.err
}
