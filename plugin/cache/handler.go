package cache

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ServeDNS implements plugin.Handler. A fresh entry is answered from the
// cache without calling the next plugin; anything else goes down the chain
// with a writer that stores the response on its way to the client.
func (c *Cache) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) != 1 || r.Opcode != dns.OpcodeQuery {
		return plugin.NextOrFailure(c.Name(), c.Next, ctx, w, r)
	}
	q := r.Question[0]
	state := request.Request{W: w, Req: r}
	if !c.allZones && plugin.Zones(c.Zones).Matches(state.Name()) == "" {
		return plugin.NextOrFailure(c.Name(), c.Next, ctx, w, r)
	}

	opt := r.IsEdns0()
	do := opt != nil && opt.Do()
	flags := queryFlags(do, r.CheckingDisabled)
	k := key(q.Name, q.Qtype, q.Qclass, flags)
	now := c.now()
	sm := c.forServer(metrics.WithServer(ctx), metrics.WithView(ctx))
	sm.requests.Inc()

	i := c.lookup(k, q, flags, now, sm)
	if i == nil {
		cw := c.newWriter(w, state, k, flags, sm)
		return plugin.NextOrFailure(c.Name(), c.Next, ctx, cw, r)
	}

	ttl := i.remaining(now)
	if ttl <= 0 {
		// Only serve_stale lets an expired entry through lookup.
		if c.verifyStale {
			vw := c.newWriter(w, state, k, flags, sm)
			vw.verify = true
			status, err := plugin.NextOrFailure(c.Name(), c.Next, ctx, vw, r)
			if vw.refreshed {
				return status, err
			}
		} else {
			c.refresh(ctx, w, r, i, k, flags, sm)
		}
		sm.stale.Inc()
		w.WriteMsg(i.toMsg(r, 0, opt != nil)) //nolint:errcheck // the client is gone; nothing to do
		return dns.RcodeSuccess, nil
	}

	if c.prefetch > 0 && c.shouldPrefetch(i, now, ttl) {
		c.refresh(ctx, w, r, i, k, flags, sm)
	}
	out := uint32(ttl)
	if c.keepttl {
		out = uint32(i.ttl)
	}
	w.WriteMsg(i.toMsg(r, out, opt != nil)) //nolint:errcheck // the client is gone; nothing to do
	return dns.RcodeSuccess, nil
}

// lookup returns the entry for key k that may answer the query: fresh, or
// expired within the serve_stale window. The negative cache goes first, but
// a cached SERVFAIL does not hide a usable positive entry.
func (c *Cache) lookup(k uint64, q dns.Question, flags uint8, now time.Time, sm *serverMetrics) *item {
	if i, ok := c.ncache.Get(k); ok && i.matches(q, flags) && c.usable(i, now) {
		if i.rcode == dns.RcodeServerFailure {
			if p, ok := c.pcache.Get(k); ok && p.matches(q, flags) && c.usable(p, now) {
				sm.hitsSuccess.Inc()
				return p
			}
		}
		sm.hitsDenial.Inc()
		return i
	}
	if i, ok := c.pcache.Get(k); ok && i.matches(q, flags) && c.usable(i, now) {
		sm.hitsSuccess.Inc()
		return i
	}
	sm.misses.Inc()
	return nil
}

// usable reports whether i may answer at now: it is fresh, or serve_stale is
// on and it expired less than staleUpTo ago.
func (c *Cache) usable(i *item, now time.Time) bool {
	ttl := i.remaining(now)
	if ttl > 0 {
		return true
	}
	return c.staleUpTo > 0 && time.Duration(-ttl)*time.Second < c.staleUpTo
}

// shouldPrefetch records a hit on i and reports whether i is popular enough
// and close enough to expiring to be refreshed now.
func (c *Cache) shouldPrefetch(i *item, now time.Time, ttl int) bool {
	hits := i.hit(now, c.duration)
	threshold := (c.percentage*i.ttl + 99) / 100 // at least 1s before expiry
	return int(hits) >= c.prefetch && ttl <= threshold
}

// refresh asks the next plugin for i again in the background and stores the
// answer without writing it to the client. Only one refresh of an entry runs
// at a time.
func (c *Cache) refresh(ctx context.Context, w dns.ResponseWriter, r *dns.Msg, i *item, k uint64, flags uint8, sm *serverMetrics) {
	if !i.refreshing.CompareAndSwap(false, true) {
		return
	}
	sm.prefetches.Inc()
	req := r.Copy()
	dw := newDetachedWriter(w)
	pw := c.newWriter(dw, request.Request{W: dw, Req: req}, k, flags, sm)
	pw.prefetch = true
	pw.old = i
	// The query's context ends with its reply; the refresh outlives it.
	ctx = context.WithoutCancel(ctx)
	go func() {
		// Whatever the outcome, a later hit on i may try again: a failure
		// keeps i, and a SERVFAIL stored meanwhile leaves it in use.
		defer i.refreshing.Store(false)
		plugin.NextOrFailure(c.Name(), c.Next, ctx, pw, req) //nolint:errcheck // a failed refresh keeps the old entry
	}()
}
