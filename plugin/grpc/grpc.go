// Package grpc implements the grpc plugin: it forwards queries to upstream
// resolvers over gRPC (the pb.DnsService Query call).
package grpc

import (
	"context"
	"crypto/tls"
	"errors"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("grpc")

const (
	// maxUpstreams is the most TO addresses one grpc directive may have.
	maxUpstreams = 15
	// defaultTimeout bounds the time spent on one query, all upstreams
	// included.
	defaultTimeout = 5 * time.Second
)

// ErrNoHealthy is returned when no upstream could be asked.
var ErrNoHealthy = errors.New("no healthy gRPC proxies")

// GRPC forwards the queries for its zone to upstreams over gRPC.
type GRPC struct {
	proxies []*Proxy
	policy  policy

	from    string
	ignored []string

	tlsConfig     *tls.Config
	tlsServerName string

	rrCounter atomic.Uint32

	Fall fall.F
	Next plugin.Handler
}

// newGRPC returns a GRPC for the root zone with the random policy.
func newGRPC() *GRPC {
	return &GRPC{from: ".", policy: policyRandom}
}

// Name implements plugin.Handler.
func (g *GRPC) Name() string { return "grpc" }

// ServeDNS implements plugin.Handler.
func (g *GRPC) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if !g.match(state) {
		return plugin.NextOrFailure(g.Name(), g.Next, ctx, w, r)
	}

	ctx, cancel := context.WithTimeout(ctx, defaultTimeout)
	defer cancel()

	var buf [maxUpstreams]*Proxy
	var err error
	for _, p := range g.list(&buf) {
		if ctx.Err() != nil {
			break
		}
		var ret *dns.Msg
		ret, err = p.query(ctx, r)
		if err != nil {
			log.Debugf("upstream %s: %s", p.addr, err)
			continue
		}

		if !state.Match(ret) {
			formerr := new(dns.Msg)
			formerr.SetRcode(r, dns.RcodeFormatError)
			w.WriteMsg(formerr)
			return 0, nil
		}
		if ret.Rcode == dns.RcodeNameError && g.Fall.Through(state.Name()) {
			return plugin.NextOrFailure(g.Name(), g.Next, ctx, w, r)
		}
		w.WriteMsg(ret)
		return 0, nil
	}

	if err != nil {
		return dns.RcodeServerFailure, err
	}
	return dns.RcodeServerFailure, ErrNoHealthy
}

// match reports whether the query is for the FROM zone and not excepted.
func (g *GRPC) match(state request.Request) bool {
	name := state.Name()
	return plugin.Name(g.from).Matches(name) && g.isAllowedDomain(name)
}

// isAllowedDomain reports whether name is outside every except zone. The
// FROM zone itself is always allowed.
func (g *GRPC) isAllowedDomain(name string) bool {
	if dns.Name(name) == dns.Name(g.from) {
		return true
	}
	for _, ignore := range g.ignored {
		if plugin.Name(ignore).Matches(name) {
			return false
		}
	}
	return true
}

// OnShutdown closes the upstream connections.
func (g *GRPC) OnShutdown() error {
	var errs []error
	for _, p := range g.proxies {
		if err := p.close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
