package proxyproto

import (
	"container/list"
	"net"
	"net/netip"
	"sync"
	"time"
)

// sessions maps a proxy's address to the client it spoke for in its last
// header-only datagram: a bounded LRU whose entries expire ttl after their
// last use.
type sessions struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	items map[netip.AddrPort]*list.Element
	order list.List // front: most recently used
}

type session struct {
	key     netip.AddrPort
	client  net.Addr
	expires time.Time
}

func newSessions(max int, ttl time.Duration) *sessions {
	return &sessions{max: max, ttl: ttl, items: make(map[netip.AddrPort]*list.Element)}
}

// key returns the map key of a proxy address.
func key(a net.Addr) (netip.AddrPort, bool) {
	if u, ok := a.(*net.UDPAddr); ok && u != nil {
		ap := u.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), ap.IsValid()
	}
	if a == nil {
		return netip.AddrPort{}, false
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), true
}

// get returns the live client for proxy and refreshes its lifetime.
func (s *sessions) get(proxy net.Addr, now time.Time) net.Addr {
	k, ok := key(proxy)
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.items[k]
	if !ok {
		return nil
	}
	se := e.Value.(*session)
	if now.After(se.expires) {
		s.order.Remove(e)
		delete(s.items, k)
		return nil
	}
	se.expires = now.Add(s.ttl)
	s.order.MoveToFront(e)
	return se.client
}

// put records client for proxy, evicting the least recently used session
// when full.
func (s *sessions) put(proxy, client net.Addr, now time.Time) {
	k, ok := key(proxy)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.items[k]; ok {
		se := e.Value.(*session)
		se.client, se.expires = client, now.Add(s.ttl)
		s.order.MoveToFront(e)
		return
	}
	for s.order.Len() >= s.max {
		last := s.order.Back()
		s.order.Remove(last)
		delete(s.items, last.Value.(*session).key)
	}
	s.items[k] = s.order.PushFront(&session{key: k, client: client, expires: now.Add(s.ttl)})
}

// len returns the number of sessions held, live or not yet swept.
func (s *sessions) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}
