// Package cache implements a sharded, size bounded cache keyed by uint64.
// When a shard is full an arbitrary entry is evicted to make room; this is
// cheaper than strict LRU and good enough for DNS caching.
package cache

import "sync"

// shardSize is the number of shards; it must be a power of two.
const shardSize = 256

// minShardCapacity is the smallest number of items a shard holds, so tiny
// caches still work without constant eviction.
const minShardCapacity = 4

// FNV-64a parameters.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// Hash returns the 64 bit FNV-1a hash of what.
func Hash(what []byte) uint64 {
	h := uint64(offset64)
	for _, c := range what {
		h ^= uint64(c)
		h *= prime64
	}
	return h
}

// Cache is a cache of items of type T spread over 256 independently locked
// shards. It is safe for concurrent use.
type Cache[T any] struct {
	shards [shardSize]*shard[T]
}

// shard is one lock domain of a Cache.
type shard[T any] struct {
	sync.RWMutex
	items map[uint64]T
	size  int
}

// New returns a cache holding about size items: each shard holds
// size/256 items, but at least 4.
func New[T any](size int) *Cache[T] {
	ssize := max(size/shardSize, minShardCapacity)
	c := &Cache[T]{}
	for i := range c.shards {
		c.shards[i] = newShard[T](ssize)
	}
	return c
}

// Add stores el under key and reports whether another item was evicted to
// make room for it.
func (c *Cache[T]) Add(key uint64, el T) bool {
	return c.shards[key&(shardSize-1)].add(key, el)
}

// Get returns the item stored under key.
func (c *Cache[T]) Get(key uint64) (T, bool) {
	return c.shards[key&(shardSize-1)].get(key)
}

// Remove deletes the item stored under key, if any.
func (c *Cache[T]) Remove(key uint64) {
	c.shards[key&(shardSize-1)].remove(key)
}

// Len returns the number of items in the cache.
func (c *Cache[T]) Len() int {
	l := 0
	for _, s := range &c.shards {
		l += s.len()
	}
	return l
}

// Walk calls f for each key in the cache, one shard at a time. f is given
// the shard's map, which it may modify (e.g. delete the key), and runs with
// that shard locked, so it must not call back into the cache. Walking stops
// as soon as f returns false.
func (c *Cache[T]) Walk(f func(map[uint64]T, uint64) bool) {
	for _, s := range &c.shards {
		if !s.walk(f) {
			return
		}
	}
}

func newShard[T any](size int) *shard[T] {
	return &shard[T]{items: make(map[uint64]T), size: size}
}

func (s *shard[T]) add(key uint64, el T) bool {
	evicted := false
	s.Lock()
	if len(s.items) >= s.size {
		if _, ok := s.items[key]; !ok {
			// Map iteration order is unspecified, which makes this a cheap
			// approximation of random eviction.
			for k := range s.items {
				delete(s.items, k)
				evicted = true
				break
			}
		}
	}
	s.items[key] = el
	s.Unlock()
	return evicted
}

func (s *shard[T]) get(key uint64) (T, bool) {
	s.RLock()
	el, ok := s.items[key]
	s.RUnlock()
	return el, ok
}

func (s *shard[T]) remove(key uint64) {
	s.Lock()
	delete(s.items, key)
	s.Unlock()
}

func (s *shard[T]) len() int {
	s.RLock()
	l := len(s.items)
	s.RUnlock()
	return l
}

// walk calls f for every key present when the walk started and still
// present when its turn comes; it reports whether walking should continue.
func (s *shard[T]) walk(f func(map[uint64]T, uint64) bool) bool {
	s.Lock()
	defer s.Unlock()
	for k := range s.items {
		if !f(s.items, k) {
			return false
		}
	}
	return true
}
