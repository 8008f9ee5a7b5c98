package kubernetes

import (
	"sync"

	"github.com/coredns/coredns/plugin/kubernetes/object"

	"k8s.io/client-go/tools/cache"
)

// indexer keeps the secondary indexes of one kind of object. Its methods run
// with the store's lock held; index slices are replaced, never modified in
// place, so readers may keep using a slice they got after the lock is gone.
type indexer interface {
	add(obj object.Keyed)
	remove(obj object.Keyed)
}

// store holds the trimmed objects of one informer. It is the informer's
// only copy of them: it serves as the queue's KnownObjects and receives the
// deltas directly, so nothing is stored twice.
type store struct {
	mu    sync.RWMutex
	items map[object.Key]object.Keyed
	idx   indexer // may be nil

	// keep filters objects before they are stored (e.g. by namespace).
	keep func(object.Keyed) bool
	// changed is called, without the lock, after every stored change;
	// old or new is nil for additions and deletions.
	changed func(old, new object.Keyed, initial bool)
}

func newStore(idx indexer) *store {
	return &store{items: make(map[object.Key]object.Keyed), idx: idx}
}

// ListKeys implements cache.KeyListerGetter.
func (s *store) ListKeys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := make([]string, 0, len(s.items))
	for k := range s.items {
		keys = append(keys, k.String())
	}
	return keys
}

// GetByKey implements cache.KeyListerGetter.
func (s *store) GetByKey(key string) (any, bool, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, ok := s.items[object.ParseKey(key)]
	return obj, ok, nil
}

// get returns the object stored under k, or nil.
func (s *store) get(k object.Key) object.Keyed {
	s.mu.RLock()
	obj := s.items[k]
	s.mu.RUnlock()
	return obj
}

// len returns the number of stored objects.
func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.items)
}

// list returns all stored objects.
func (s *store) list() []object.Keyed {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]object.Keyed, 0, len(s.items))
	for _, obj := range s.items {
		out = append(out, obj)
	}
	return out
}

// process applies the deltas popped from the informer's queue.
func (s *store) process(obj any, initial bool) error {
	deltas, ok := obj.(cache.Deltas)
	if !ok {
		return nil
	}
	for _, d := range deltas {
		switch d.Type {
		case cache.Sync, cache.Replaced, cache.Added, cache.Updated:
			o, ok := d.Object.(object.Keyed)
			if !ok {
				continue
			}
			if s.keep != nil && !s.keep(o) {
				continue
			}
			s.put(o, initial)
		case cache.Deleted:
			var k object.Key
			switch o := d.Object.(type) {
			case cache.DeletedFinalStateUnknown:
				k = object.ParseKey(o.Key)
			case object.Keyed:
				k = o.ObjectKey()
			default:
				continue
			}
			s.delete(k)
		}
	}
	return nil
}

func (s *store) put(o object.Keyed, initial bool) {
	k := o.ObjectKey()
	s.mu.Lock()
	old := s.items[k]
	s.items[k] = o
	if s.idx != nil {
		if old != nil {
			s.idx.remove(old)
		}
		s.idx.add(o)
	}
	s.mu.Unlock()
	if s.changed != nil {
		s.changed(old, o, initial)
	}
}

func (s *store) delete(k object.Key) {
	s.mu.Lock()
	old, ok := s.items[k]
	if ok {
		delete(s.items, k)
		if s.idx != nil {
			s.idx.remove(old)
		}
	}
	s.mu.Unlock()
	if ok && s.changed != nil {
		s.changed(old, nil, false)
	}
}

// appendIndex returns list with obj added, in a new slice.
func appendIndex[T comparable](list []T, obj T) []T {
	out := make([]T, len(list), len(list)+1)
	copy(out, list)
	return append(out, obj)
}

// removeIndex returns list without obj, in a new slice (nil when empty).
func removeIndex[T comparable](list []T, obj T) []T {
	var out []T
	for _, o := range list {
		if o != obj {
			out = append(out, o)
		}
	}
	return out
}

// multiIndex maps a string (an IP) or a key to the objects that have it.
type multiIndex[K comparable, T comparable] map[K][]T

func (m multiIndex[K, T]) add(k K, obj T) { m[k] = appendIndex(m[k], obj) }

func (m multiIndex[K, T]) remove(k K, obj T) {
	if l := removeIndex(m[k], obj); len(l) > 0 {
		m[k] = l
	} else {
		delete(m, k)
	}
}
