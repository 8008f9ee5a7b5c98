// Package acl implements a plugin that allows, blocks, filters or drops
// queries by the client's source address and the query type.
package acl

import (
	"context"
	"net"
	"net/netip"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ACL enforces access control rules. Rules are consulted in order; inside
// a rule the first policy that matches decides. A query no policy matches
// is allowed.
type ACL struct {
	Next  plugin.Handler
	Rules []Rule
}

// Rule is one acl directive: the zones it applies to and its policies.
type Rule struct {
	zones    plugin.Zones
	policies []policy
}

// action is what a policy does with a query it matches.
type action uint8

const (
	actionNone action = iota // no policy matched
	actionAllow
	actionBlock
	actionFilter
	actionDrop
)

// policy is one line of an acl block.
type policy struct {
	action action
	qtypes []uint16       // nil matches every type
	nets   []netip.Prefix // nil matches every source
}

// matches reports whether p applies to a query of qtype from src.
func (p *policy) matches(qtype uint16, src netip.Addr) bool {
	if p.qtypes != nil {
		found := false
		for _, t := range p.qtypes {
			if t == qtype {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if p.nets == nil {
		return true
	}
	for _, n := range p.nets {
		if n.Contains(src) {
			return true
		}
	}
	return false
}

// decide returns the action of the first policy of r that matches.
func (r *Rule) decide(qtype uint16, src netip.Addr) action {
	for i := range r.policies {
		if r.policies[i].matches(qtype, src) {
			return r.policies[i].action
		}
	}
	return actionNone
}

// ServeDNS implements plugin.Handler.
func (a *ACL) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	qtype := state.QType()

	var src netip.Addr
	haveSrc := false
rules:
	for i := range a.Rules {
		rule := &a.Rules[i]
		zone := rule.zones.Matches(qname)
		if zone == "" {
			continue
		}
		if !haveSrc {
			src, haveSrc = clientAddr(w), true
		}
		switch rule.decide(qtype, src) {
		case actionAllow:
			break rules
		case actionBlock:
			writeRefusal(w, r, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
			blockedCount.WithLabelValues(metrics.WithServer(ctx), zone, metrics.WithView(ctx)).Inc()
			return dns.RcodeSuccess, nil
		case actionFilter:
			writeRefusal(w, r, dns.RcodeSuccess, dns.ExtendedErrorCodeFiltered)
			filteredCount.WithLabelValues(metrics.WithServer(ctx), zone, metrics.WithView(ctx)).Inc()
			return dns.RcodeSuccess, nil
		case actionDrop:
			// Nothing is written; a success code keeps the server from
			// answering in our place.
			droppedCount.WithLabelValues(metrics.WithServer(ctx), zone, metrics.WithView(ctx)).Inc()
			return dns.RcodeSuccess, nil
		}
	}

	allowedCount.WithLabelValues(metrics.WithServer(ctx), metrics.WithView(ctx)).Inc()
	return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (a *ACL) Name() string { return "acl" }

// writeRefusal answers r with rcode, no records and an Extended DNS Error
// saying why.
func writeRefusal(w dns.ResponseWriter, r *dns.Msg, rcode int, info uint16) {
	m := new(dns.Msg)
	m.SetRcode(r, rcode)
	m.SetEdns0(4096, true)
	opt := m.IsEdns0()
	opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: info})
	w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
}

// clientAddr returns the source address of the query without allocating
// for the usual UDP and TCP writers. IPv4-mapped IPv6 addresses are
// returned as IPv4.
func clientAddr(w dns.ResponseWriter) netip.Addr {
	var ip net.IP
	switch addr := w.RemoteAddr().(type) {
	case *net.UDPAddr:
		ip = addr.IP
	case *net.TCPAddr:
		ip = addr.IP
	case nil:
		return netip.Addr{}
	default:
		ap, err := netip.ParseAddrPort(addr.String())
		if err != nil {
			a, _ := netip.ParseAddr(addr.String())
			return a.Unmap()
		}
		return ap.Addr().Unmap()
	}
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}
