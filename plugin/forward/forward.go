// Package forward implements the forward plugin: it sends queries to one or
// more upstream resolvers over UDP, TCP, DNS over TLS or DNS over HTTPS,
// reusing connections and health checking the upstreams.
package forward

import (
	"context"
	"crypto/tls"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/dnstap"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/proxy"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

const (
	// maxUpstreams is the most upstreams one forward may have.
	maxUpstreams = 15
	// defaultTimeout bounds the time spent on one query over all attempts.
	defaultTimeout = 5 * time.Second
	// defaultExpire is how long idle upstream connections are kept.
	defaultExpire = 10 * time.Second
	// hcInterval is the default time between health checks of a failing
	// upstream.
	hcInterval = 500 * time.Millisecond
)

// Forward is one forward plugin instance: the upstreams of one FROM zone.
type Forward struct {
	concurrent atomic.Int64 // queries in flight

	proxies    []*proxy.Proxy
	policy     policy
	rrCounter  atomic.Uint32 // round robin position
	hcInterval time.Duration

	from    string
	ignored []string

	nextRcodes     rcodeSet // hand these answers to the next forward
	failoverRcodes rcodeSet // try the next upstream on these answers

	tlsConfig     *tls.Config
	tlsServerName string
	maxfails      uint32
	expire        time.Duration
	maxAge        time.Duration
	maxIdleConns  int
	maxConcurrent int64
	failfastAll   bool   // SERVFAIL at once when every upstream is down
	maxAttempts   uint32 // connect attempts per query; 0: no limit
	attemptsSet   bool   // max_connect_attempts was configured
	localAddr     net.IP
	dohMethod     string

	opts proxy.Options

	// taps are the dnstap plugins of the server block, which log what is
	// sent upstream and what comes back.
	taps []*dnstap.Dnstap

	// ErrLimitExceeded is returned, with REFUSED, for queries over the
	// max_concurrent limit.
	ErrLimitExceeded error

	Next plugin.Handler
}

// New returns a Forward with the documented defaults and no upstreams.
func New() *Forward {
	return &Forward{
		maxfails:   2,
		tlsConfig:  new(tls.Config),
		expire:     defaultExpire,
		policy:     policyRandom,
		from:       ".",
		hcInterval: hcInterval,
		opts:       proxy.Options{HCRecursionDesired: true, HCDomain: "."},
	}
}

// SetProxy adds an upstream and starts it.
func (f *Forward) SetProxy(p *proxy.Proxy) {
	f.proxies = append(f.proxies, p)
	p.Start(f.hcInterval)
}

// Len returns the number of upstreams.
func (f *Forward) Len() int { return len(f.proxies) }

// Name implements plugin.Handler.
func (f *Forward) Name() string { return "forward" }

// ForceTCP reports whether TCP is used whatever the client used.
func (f *Forward) ForceTCP() bool { return f.opts.ForceTCP }

// PreferUDP reports whether UDP is used whatever the client used.
func (f *Forward) PreferUDP() bool { return f.opts.PreferUDP }

// List returns the upstreams in the order the policy picks for a query.
func (f *Forward) List() []*proxy.Proxy {
	var buf [maxUpstreams]*proxy.Proxy
	return append([]*proxy.Proxy(nil), f.list(&buf)...)
}

// OnStartup starts health checking and connection caching of the upstreams.
func (f *Forward) OnStartup() error {
	for _, p := range f.proxies {
		p.Start(f.hcInterval)
	}
	return nil
}

// OnShutdown stops the upstreams and closes their connections.
func (f *Forward) OnShutdown() error {
	for _, p := range f.proxies {
		p.Stop()
	}
	return nil
}

// ServeDNS implements plugin.Handler.
func (f *Forward) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if !f.match(&state) {
		return plugin.NextOrFailure(f.Name(), f.Next, ctx, w, r)
	}

	if f.maxConcurrent > 0 {
		count := f.concurrent.Add(1)
		defer f.concurrent.Add(-1)
		if count > f.maxConcurrent {
			maxConcurrentRejectCount.Inc()
			return dns.RcodeRefused, f.ErrLimitExceeded
		}
	}

	var buf [maxUpstreams]*proxy.Proxy
	list := f.list(&buf)
	if len(list) == 0 {
		return dns.RcodeServerFailure, proxy.ErrNoForward
	}

	var (
		pk          = picker{f: f, list: list}
		attempts    uint32
		failovers   int
		upstreamErr error
		lastReply   *dns.Msg // a failover answer, returned when nothing better comes
	)
	maxAttempts := f.connectAttempts()
	deadline := time.Now().Add(defaultTimeout)

	for time.Now().Before(deadline) && ctx.Err() == nil {
		p, allDown := pk.next()
		if p == nil || (maxAttempts > 0 && attempts >= maxAttempts) {
			break
		}
		attempts++

		ret, err := f.connect(ctx, p, state)
		if errors.Is(err, proxy.ErrCachedClosed) {
			// A stale cached connection; try again on a fresh one.
			attempts--
			pk.again()
			continue
		}
		if err != nil {
			upstreamErr = err
			if f.maxfails != 0 {
				p.Healthcheck()
			}
			if allDown {
				break
			}
			continue
		}

		if !state.Match(ret) {
			formerr := new(dns.Msg)
			formerr.SetRcode(r, dns.RcodeFormatError)
			w.WriteMsg(formerr) //nolint:errcheck // nothing to do on a failed write
			return 0, nil
		}
		if f.failoverRcodes.has(ret.Rcode) {
			failovers++
			lastReply = ret
			if failovers < len(list) {
				continue
			}
		}
		if f.nextRcodes.has(ret.Rcode) {
			if _, ok := f.Next.(*Forward); ok {
				return plugin.NextOrFailure(f.Name(), f.Next, ctx, w, r)
			}
		}

		f.setUpstream(ctx, p)
		w.WriteMsg(ret) //nolint:errcheck // nothing to do on a failed write
		return 0, nil
	}

	if lastReply != nil {
		w.WriteMsg(lastReply) //nolint:errcheck // nothing to do on a failed write
		return 0, nil
	}
	if upstreamErr != nil {
		return dns.RcodeServerFailure, upstreamErr
	}
	return dns.RcodeServerFailure, proxy.ErrNoHealthy
}

// picker walks the upstream list of one query, pass after pass, skipping
// the upstreams that are down.
type picker struct {
	f     *Forward
	list  []*proxy.Proxy
	i     int // next position in list
	fails int // down upstreams skipped in this pass
}

// next returns the upstream to try. When every upstream is down it returns
// a random one and allDown, or nil with failfast_all_unhealthy_upstreams.
func (pk *picker) next() (p *proxy.Proxy, allDown bool) {
	for {
		if pk.i >= len(pk.list) {
			pk.i, pk.fails = 0, 0
		}
		p = pk.list[pk.i]
		pk.i++
		if !p.Down(pk.f.maxfails) {
			return p, false
		}
		pk.fails++
		if pk.fails < len(pk.list) {
			continue
		}
		// Every upstream is down: health checking itself may be what is
		// broken, so try a random one.
		if pk.f.failfastAll {
			return nil, true
		}
		healthcheckBrokenCount.Inc()
		return pk.f.proxies[rand.IntN(len(pk.f.proxies))], true
	}
}

// again makes next return the same upstream once more.
func (pk *picker) again() {
	if pk.i > 0 {
		pk.i--
	}
}

// connect sends the query to p. A truncated UDP reply is retried over TCP
// when prefer_udp is set, as the client may have come over TCP.
func (f *Forward) connect(ctx context.Context, p *proxy.Proxy, state request.Request) (*dns.Msg, error) {
	var start time.Time
	if len(f.taps) > 0 {
		start = time.Now()
	}
	ret, _, proto, err := p.Connect(ctx, state, f.opts)
	f.tap(ctx, p, state, proto, ret, err, start)
	if err == nil && ret.Truncated && proto == "udp" && f.opts.PreferUDP && !f.opts.ForceTCP {
		opts := f.opts
		opts.ForceTCP = true
		if len(f.taps) > 0 {
			start = time.Now()
		}
		ret, _, proto, err = p.Connect(ctx, state, opts)
		f.tap(ctx, p, state, proto, ret, err, start)
	}
	return ret, err
}

// tap hands one exchange with upstream p to the block's dnstap plugins:
// the query, and the reply when there is one.
func (f *Forward) tap(ctx context.Context, p *proxy.Proxy, state request.Request, proto string, ret *dns.Msg, err error, start time.Time) {
	if len(f.taps) == 0 {
		return
	}
	ap, perr := netip.ParseAddrPort(p.Addr())
	if perr != nil {
		return
	}
	var addr net.Addr = net.UDPAddrFromAddrPort(ap)
	if proto != "udp" {
		addr = net.TCPAddrFromAddrPort(ap)
	}
	if err != nil {
		ret = nil
	}
	for _, t := range f.taps {
		t.TapForwarder(ctx, state, addr, ret, start)
	}
}

// connectAttempts returns the cap on connect attempts of one query: the
// configured one, or two passes over the upstreams.
func (f *Forward) connectAttempts() uint32 {
	if f.attemptsSet {
		return f.maxAttempts
	}
	return uint32(2 * len(f.proxies))
}

// setUpstream publishes the upstream used as metadata, when the metadata
// plugin is collecting it.
func (f *Forward) setUpstream(ctx context.Context, p *proxy.Proxy) {
	if metadata.ValueFuncs(ctx) == nil {
		return
	}
	metadata.SetValueFunc(ctx, "forward/upstream", p.Addr)
}

// match reports whether the query is for this forward: below FROM and not
// below an excepted name.
func (f *Forward) match(state *request.Request) bool {
	if f.from == "." && len(f.ignored) == 0 {
		return true
	}
	name := state.Name()
	if !plugin.Name(f.from).Matches(name) {
		return false
	}
	return f.isAllowedDomain(name)
}

// isAllowedDomain reports whether name is not excepted. FROM itself always is
// allowed.
func (f *Forward) isAllowedDomain(name string) bool {
	if dns.Name(name) == dns.Name(f.from) {
		return true
	}
	for _, ignore := range f.ignored {
		if plugin.Name(ignore).Matches(name) {
			return false
		}
	}
	return true
}

// rcodeSet is a set of rcodes, a bitmap for the common ones.
type rcodeSet struct {
	low  uint64
	high []int
}

func (s *rcodeSet) add(rc int) {
	if rc >= 0 && rc < 64 {
		s.low |= 1 << uint(rc)
		return
	}
	s.high = append(s.high, rc)
}

func (s *rcodeSet) has(rc int) bool {
	if rc >= 0 && rc < 64 {
		return s.low&(1<<uint(rc)) != 0
	}
	for _, h := range s.high {
		if h == rc {
			return true
		}
	}
	return false
}

func (s *rcodeSet) empty() bool { return s.low == 0 && len(s.high) == 0 }
