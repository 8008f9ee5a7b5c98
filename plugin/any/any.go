// Package any answers queries for type ANY with the short HINFO reply that
// RFC 8482 recommends, instead of every record at the name.
package any

import (
	"context"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// The HINFO record RFC 8482 suggests, and the TTL CoreDNS gives it.
const (
	hinfoCPU = "ANY obsoleted"
	hinfoOS  = "See RFC 8482"
	hinfoTTL = 8482
)

// Any answers ANY queries itself and passes all other queries on.
type Any struct {
	Next plugin.Handler
}

// ServeDNS implements plugin.Handler.
func (a Any) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) == 0 || r.Question[0].Qtype != dns.TypeANY {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{&dns.HINFO{
		Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeHINFO, Class: dns.ClassINET, Ttl: hinfoTTL},
		Cpu: hinfoCPU,
		Os:  hinfoOS,
	}}
	w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (a Any) Name() string { return "any" }
