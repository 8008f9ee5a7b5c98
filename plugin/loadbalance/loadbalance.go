// Package loadbalance reorders the address and MX records of responses:
// randomly (round_robin), by configured weights (weighted), and optionally
// putting addresses from preferred subnets first (prefer).
package loadbalance

import (
	"context"
	"math/rand/v2"
	"net/netip"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// policy is how the records of a response are balanced.
type policy int

const (
	policyRoundRobin policy = iota
	policyWeighted
)

// LoadBalance is the loadbalance plugin.
type LoadBalance struct {
	Next plugin.Handler

	policy  policy
	weights *weights       // for policyWeighted
	prefer  []netip.Prefix // in order of preference
}

// ServeDNS implements the plugin.Handler interface.
func (lb *LoadBalance) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(lb.Name(), lb.Next, ctx, &writer{ResponseWriter: w, lb: lb}, r)
}

// Name implements the plugin.Handler interface.
func (lb *LoadBalance) Name() string { return name }

// writer reorders the response on its way to the client.
type writer struct {
	dns.ResponseWriter
	lb *LoadBalance
}

// WriteMsg reorders successful answers, other than zone transfers, then
// writes res.
func (w *writer) WriteMsg(res *dns.Msg) error {
	if res.Rcode == dns.RcodeSuccess && len(res.Question) > 0 && !isTransfer(res.Question[0].Qtype) {
		w.lb.balance(res)
	}
	return w.ResponseWriter.WriteMsg(res)
}

// isTransfer reports whether qtype asks for a zone transfer, whose record
// order matters.
func isTransfer(qtype uint16) bool { return qtype == dns.TypeAXFR || qtype == dns.TypeIXFR }

// balance applies the policy and the subnet preference to res. Sections are
// replaced, never reordered in place: their backing arrays may belong to a
// plugin's data (a zone, a cache entry) that other queries read.
func (lb *LoadBalance) balance(res *dns.Msg) {
	switch lb.policy {
	case policyRoundRobin:
		res.Answer = roundRobin(res.Answer)
		res.Ns = roundRobin(res.Ns)
		res.Extra = roundRobin(res.Extra)
	case policyWeighted:
		res.Answer = lb.weights.topAddress(res.Question[0].Name, res.Answer)
	}
	if len(lb.prefer) > 0 {
		res.Answer = preferSubnets(res.Answer, lb.prefer)
		res.Extra = preferSubnets(res.Extra, lb.prefer)
	}
}

// roundRobin returns rrs with the CNAMEs first, then the records that are
// neither addresses nor MX, then the A and AAAA records in random order, then
// the MX records in random order. The CNAMEs and other records keep their
// relative order, as resolvers expect a CNAME chain in order.
func roundRobin(rrs []dns.RR) []dns.RR {
	if len(rrs) < 2 {
		return rrs
	}
	out := make([]dns.RR, 0, len(rrs))
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeCNAME {
			out = append(out, rr)
		}
	}
	for _, rr := range rrs {
		switch rr.Header().Rrtype {
		case dns.TypeCNAME, dns.TypeA, dns.TypeAAAA, dns.TypeMX:
		default:
			out = append(out, rr)
		}
	}
	addrStart := len(out)
	for _, rr := range rrs {
		if t := rr.Header().Rrtype; t == dns.TypeA || t == dns.TypeAAAA {
			out = append(out, rr)
		}
	}
	mxStart := len(out)
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeMX {
			out = append(out, rr)
		}
	}
	shuffle(out[addrStart:mxStart])
	shuffle(out[mxStart:])
	return out
}

// shuffle permutes rrs uniformly at random (Fisher-Yates).
func shuffle(rrs []dns.RR) {
	for i := len(rrs) - 1; i > 0; i-- {
		j := rand.IntN(i + 1)
		rrs[i], rrs[j] = rrs[j], rrs[i]
	}
}

// address returns the address of an A or AAAA record.
func address(rr dns.RR) (netip.Addr, bool) {
	var ip []byte
	switch rr := rr.(type) {
	case *dns.A:
		ip = rr.A
	case *dns.AAAA:
		ip = rr.AAAA
	default:
		return netip.Addr{}, false
	}
	a, ok := netip.AddrFromSlice(ip)
	return a.Unmap(), ok
}
