package cache

import (
	"net"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// writer sits between the next plugin and the client on a cache miss: it
// stores what the next plugin writes and passes it on with capped TTLs.
type writer struct {
	dns.ResponseWriter
	c     *Cache
	state request.Request // the query, as the client sent it
	key   uint64
	flags uint8
	sm    *serverMetrics

	// prefetch: a background refresh; store, write nothing.
	prefetch bool
	old      *item // the entry being refreshed

	// verify: serve_stale in verify mode; only NOERROR and NXDOMAIN go to
	// the client, anything else leaves the answer to the stale entry.
	verify    bool
	refreshed bool // something was written to the client
}

func (c *Cache) newWriter(w dns.ResponseWriter, state request.Request, k uint64, flags uint8, sm *serverMetrics) *writer {
	return &writer{ResponseWriter: w, c: c, state: state, key: k, flags: flags, sm: sm}
}

// WriteMsg stores res when it may be cached and writes it to the client.
func (w *writer) WriteMsg(res *dns.Msg) error {
	if w.verify {
		if res.Rcode != dns.RcodeSuccess && res.Rcode != dns.RcodeNameError {
			return nil
		}
		w.refreshed = true
	}

	mt, _ := response.Typify(res, time.Now().UTC())
	duration := w.c.ttlFor(res, mt)
	if duration > 0 && cacheable(res, mt) {
		if w.state.Match(res) {
			w.c.store(res, mt, w.state.Name(), w.key, w.flags, duration, w.old, w.sm)
		} else {
			// The reply is not for this question; do not let it poison
			// the cache.
			w.sm.drops.Inc()
		}
	}
	if w.prefetch {
		return nil
	}

	// The client sees the TTL the entry got, so that answers from the
	// cache do not jump back up. The records may belong to the next plugin
	// (a zone, say), so they are copied rather than changed.
	ttl := uint32(duration / time.Second)
	res.Answer = withTTL(res.Answer, ttl)
	res.Ns = withTTL(res.Ns, ttl)
	res.Extra = withTTL(res.Extra, ttl)
	if w.flags&flagDO == 0 && !w.state.Req.AuthenticatedData {
		res.AuthenticatedData = false
	}
	return w.ResponseWriter.WriteMsg(res)
}

// Write passes raw bytes on uncached: only messages can be stored.
func (w *writer) Write(buf []byte) (int, error) {
	if w.prefetch {
		return len(buf), nil
	}
	log.Warning("Caching called with Write: not caching reply")
	w.refreshed = true
	return w.ResponseWriter.Write(buf)
}

// withTTL returns copies of rrs with their TTL set to ttl, leaving out OPT
// records: the server adds the client's own.
func withTTL(rrs []dns.RR, ttl uint32) []dns.RR {
	if len(rrs) == 0 {
		return rrs
	}
	out := make([]dns.RR, 0, len(rrs))
	for _, r := range rrs {
		if r.Header().Rrtype == dns.TypeOPT {
			continue
		}
		out = append(out, copyRR(r, ttl))
	}
	return out
}

// ttlFor returns how long res, of type mt, is kept.
func (c *Cache) ttlFor(res *dns.Msg, mt response.Type) time.Duration {
	switch mt {
	case response.NameError, response.NoData:
		return computeTTL(dnsutil.MinimalTTL(res, mt), c.minnttl, c.nttl)
	case response.ServerError:
		return c.failttl
	default:
		return computeTTL(dnsutil.MinimalTTL(res, mt), c.minpttl, c.pttl)
	}
}

// cacheable reports whether res, of type mt, may be stored at all.
func cacheable(res *dns.Msg, mt response.Type) bool {
	if res.Truncated {
		return false
	}
	switch mt {
	case response.OtherError, response.Meta, response.Update:
		return false
	case response.NameError:
		// Without an SOA there is no negative TTL (RFC 2308, section 5).
		return hasSOA(res.Ns)
	}
	return true
}

func hasSOA(rrs []dns.RR) bool {
	for _, r := range rrs {
		if r.Header().Rrtype == dns.TypeSOA {
			return true
		}
	}
	return false
}

// store adds res under k for duration and reports whether it did. old, if
// not nil, is the entry res refreshes.
func (c *Cache) store(res *dns.Msg, mt response.Type, name string, k uint64, flags uint8, duration time.Duration, old *item, sm *serverMetrics) bool {
	switch mt {
	case response.NoError, response.Delegation:
		if excluded(c.pexcept, name) {
			return false
		}
		i := newItem(res, name, flags, c.now(), duration)
		if old != nil {
			i.inherit(old)
		}
		if c.pcache.Add(k, i) {
			sm.evictSuccess.Inc()
		}
		// A denial or failure stored earlier is outdated now.
		c.ncache.Remove(k)
	case response.NameError, response.NoData, response.ServerError:
		if excluded(c.nexcept, name) {
			return false
		}
		i := newItem(res, name, flags, c.now(), duration)
		if old != nil {
			i.inherit(old)
		}
		if c.ncache.Add(k, i) {
			sm.evictDenial.Inc()
		}
		// A failure is transient and leaves a positive entry usable; a
		// denial replaces it.
		if mt != response.ServerError {
			c.pcache.Remove(k)
		}
	default:
		return false
	}
	sm.sizeSuccess.Set(float64(c.pcache.Len()))
	sm.sizeDenial.Set(float64(c.ncache.Len()))
	return true
}

// excluded reports whether name is in one of zones.
func excluded(zones []string, name string) bool {
	return len(zones) > 0 && plugin.Zones(zones).Matches(name) != ""
}

// detachedWriter is the writer of a background refresh. The client's writer
// may be gone by the time the refresh answers, so only its addresses are
// kept, with UDP turned into TCP so that nothing truncates the answer.
type detachedWriter struct {
	local, remote net.Addr
}

func newDetachedWriter(w dns.ResponseWriter) *detachedWriter {
	return &detachedWriter{local: asTCP(w.LocalAddr()), remote: asTCP(w.RemoteAddr())}
}

func asTCP(a net.Addr) net.Addr {
	if u, ok := a.(*net.UDPAddr); ok {
		return &net.TCPAddr{IP: u.IP, Port: u.Port, Zone: u.Zone}
	}
	return a
}

func (d *detachedWriter) LocalAddr() net.Addr         { return d.local }
func (d *detachedWriter) RemoteAddr() net.Addr        { return d.remote }
func (d *detachedWriter) WriteMsg(*dns.Msg) error     { return nil }
func (d *detachedWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *detachedWriter) Close() error                { return nil }
func (d *detachedWriter) TsigStatus() error           { return nil }
func (d *detachedWriter) TsigTimersOnly(bool)         {}
func (d *detachedWriter) Hijack()                     {}
