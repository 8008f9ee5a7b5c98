package cache

import (
	"encoding/binary"
	"hash/fnv"
	"sync"
	"testing"
)

func TestHash(t *testing.T) {
	tests := [][]byte{nil, []byte("a"), []byte("example.org."), make([]byte, 300)}
	for _, in := range tests {
		h := fnv.New64a()
		h.Write(in)
		if got, want := Hash(in), h.Sum64(); got != want {
			t.Errorf("Hash(%q) = %x, want %x", in, got, want)
		}
	}
}

func TestCacheAddGetRemove(t *testing.T) {
	c := New[string](4)
	tests := []struct {
		key uint64
		val string
	}{
		{1, "one"},
		{2, "two"},
		{256 + 1, "same shard as one"},
	}
	for _, tc := range tests {
		if evicted := c.Add(tc.key, tc.val); evicted {
			t.Errorf("Add(%d) evicted in an empty shard", tc.key)
		}
	}
	for _, tc := range tests {
		if got, ok := c.Get(tc.key); !ok || got != tc.val {
			t.Errorf("Get(%d) = %q, %v; want %q, true", tc.key, got, ok, tc.val)
		}
	}
	if l := c.Len(); l != len(tests) {
		t.Errorf("Len() = %d, want %d", l, len(tests))
	}
	if _, ok := c.Get(3); ok {
		t.Error("Get(3) found a key never added")
	}
	c.Remove(1)
	c.Remove(1000) // absent, no-op
	if _, ok := c.Get(1); ok {
		t.Error("Get(1) found a removed key")
	}
	if l := c.Len(); l != len(tests)-1 {
		t.Errorf("Len() = %d, want %d", l, len(tests)-1)
	}
}

func TestCacheEvict(t *testing.T) {
	c := New[int](0) // shards hold minShardCapacity items
	// All these keys land in shard 0.
	for i := range minShardCapacity {
		if c.Add(uint64(i*shardSize), i) {
			t.Fatalf("Add #%d evicted before the shard was full", i)
		}
	}
	// Overwriting an existing key never evicts.
	if c.Add(0, 42) {
		t.Error("overwrite evicted")
	}
	if !c.Add(uint64(minShardCapacity*shardSize), 99) {
		t.Error("Add to a full shard did not evict")
	}
	if l := c.Len(); l != minShardCapacity {
		t.Errorf("Len() = %d, want %d", l, minShardCapacity)
	}
	if v, ok := c.Get(uint64(minShardCapacity * shardSize)); !ok || v != 99 {
		t.Errorf("newest item = %d, %v; want 99, true", v, ok)
	}
}

func TestCacheSharding(t *testing.T) {
	const n = 400 * shardSize / 100
	c := New[int](n)
	for i := range n {
		c.Add(uint64(i), i)
	}
	for i, s := range c.shards {
		if s.len() == 0 {
			t.Errorf("shard %d is empty", i)
		}
	}
	if l := c.Len(); l != n {
		t.Errorf("Len() = %d, want %d", l, n)
	}
}

func TestCacheWalk(t *testing.T) {
	c := New[int](1024)
	for i := range 100 {
		c.Add(uint64(i), i)
	}

	seen := 0
	c.Walk(func(items map[uint64]int, key uint64) bool {
		if items[key] != int(key) {
			t.Errorf("walk: items[%d] = %d", key, items[key])
		}
		seen++
		return true
	})
	if seen != 100 {
		t.Errorf("walk saw %d items, want 100", seen)
	}

	// Walk may delete through the map it is handed.
	c.Walk(func(items map[uint64]int, key uint64) bool {
		if key%2 == 0 {
			delete(items, key)
		}
		return true
	})
	if l := c.Len(); l != 50 {
		t.Errorf("Len() after deleting walk = %d, want 50", l)
	}

	stops := 0
	c.Walk(func(map[uint64]int, uint64) bool {
		stops++
		return false
	})
	if stops != 1 {
		t.Errorf("walk called f %d times after it returned false, want 1", stops)
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := New[int](512)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := uint64(g*2000 + i)
				c.Add(k, i)
				c.Get(k)
				if i%3 == 0 {
					c.Remove(k)
				}
				if i%500 == 0 {
					c.Len()
					c.Walk(func(map[uint64]int, uint64) bool { return true })
				}
			}
		}()
	}
	wg.Wait()
	if l := c.Len(); l > 256*minShardCapacity {
		t.Errorf("Len() = %d exceeds capacity", l)
	}
}

func BenchmarkCacheAdd(b *testing.B) {
	c := New[int](10000)
	buf := make([]byte, 8)
	i := 0
	for b.Loop() {
		binary.BigEndian.PutUint64(buf, uint64(i))
		c.Add(Hash(buf), i)
		i++
	}
}

func BenchmarkCacheGetParallel(b *testing.B) {
	c := New[int](10000)
	for i := range 10000 {
		c.Add(uint64(i), i)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := uint64(0)
		for pb.Next() {
			c.Get(i % 10000)
			i++
		}
	})
}

func BenchmarkHash(b *testing.B) {
	in := []byte("www.example.org.\x00\x01")
	for b.Loop() {
		Hash(in)
	}
}
