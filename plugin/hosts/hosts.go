// Package hosts implements the hosts plugin: it answers A, AAAA and PTR
// queries from a file in /etc/hosts format and from entries written in the
// Corefile.
package hosts

import (
	"context"
	"net"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Hosts is the hosts plugin.
type Hosts struct {
	Next plugin.Handler
	*Hostsfile

	Fall fall.F
}

// ServeDNS implements plugin.Handler.
func (h Hosts) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	qtype := state.QType()

	// Reverse names need not be listed in the zones: any address in the
	// file can be looked up.
	if qtype != dns.TypePTR && plugin.Zones(h.Origins).Matches(qname) == "" {
		return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	}

	var answer []dns.RR
	switch qtype {
	case dns.TypePTR:
		names := h.lookupPTR(qname)
		if len(names) == 0 {
			// Not ours whatever fallthrough says.
			return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
		}
		answer = ptr(qname, h.options.ttl, names)
	case dns.TypeA:
		answer = a(qname, h.options.ttl, h.lookupV4(qname))
	case dns.TypeAAAA:
		answer = aaaa(qname, h.options.ttl, h.lookupV6(qname))
	}

	if len(answer) == 0 && !h.exists(qname) {
		if h.Fall.Through(qname) {
			return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
		}
		// A hosts file has no SOA to build an NXDOMAIN from; SERVFAIL at
		// least tells the client this name could not be resolved.
		return dns.RcodeServerFailure, nil
	}

	// The name exists: the answer, or NODATA for other types.
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = answer
	w.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (h Hosts) Name() string { return "hosts" }

// a returns A records for ips, owned by zone.
func a(zone string, ttl uint32, ips []net.IP) []dns.RR {
	if len(ips) == 0 {
		return nil
	}
	rrs := make([]dns.RR, len(ips))
	for i, ip := range ips {
		rrs[i] = &dns.A{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: ip}
	}
	return rrs
}

// aaaa returns AAAA records for ips, owned by zone.
func aaaa(zone string, ttl uint32, ips []net.IP) []dns.RR {
	if len(ips) == 0 {
		return nil
	}
	rrs := make([]dns.RR, len(ips))
	for i, ip := range ips {
		rrs[i] = &dns.AAAA{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: ttl}, AAAA: ip}
	}
	return rrs
}

// ptr returns PTR records pointing at names, owned by zone.
func ptr(zone string, ttl uint32, names []string) []dns.RR {
	rrs := make([]dns.RR, len(names))
	for i, n := range names {
		rrs[i] = &dns.PTR{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypePTR, Class: dns.ClassINET, Ttl: ttl}, Ptr: n}
	}
	return rrs
}
