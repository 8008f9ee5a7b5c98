// Package external implements the k8s_external plugin: it answers, under a
// zone of its own, for the external addresses (external IPs and load
// balancer ingress) of Kubernetes services. The data comes from a plugin in
// the same server block that implements Externaler, normally kubernetes.
package external

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Externaler is implemented by plugins (kubernetes) that can answer for services' external addresses.
type Externaler interface {
	// External returns the services matching state's name under the k8s_external zone, and an rcode
	// (dns.RcodeSuccess, dns.RcodeNameError). headless enables headless-service endpoint records.
	External(state request.Request, headless bool) ([]msg.Service, int)
	// ExternalAddress returns A/AAAA records for the address(es) of the DNS service itself (for the apex NS glue).
	ExternalAddress(state request.Request, headless bool) []dns.RR
	// ExternalServices returns every service with external IPs under zone, for zone transfers.
	ExternalServices(zone string, headless bool) []msg.Service
	// ExternalSerial returns the serial of zone (changes when the data changes).
	ExternalSerial(string) uint32
	// ExternalReverse answers PTR lookups of external IPs: services whose external IP matches the reverse name.
	ExternalReverse(string) ([]msg.Service, error)
}

// External is the k8s_external handler.
type External struct {
	Next  plugin.Handler
	Zones []string

	apex       string // label(s) below each zone holding the name server records
	hostmaster string // first label of the SOA mailbox
	ttl        uint32
	headless   bool
	fall       fall.F
	upstream   *upstream.Upstream

	// backend answers the questions; found at start-up.
	backend Externaler
}

// New returns an External with the documented defaults.
func New() *External {
	return &External{apex: "dns", hostmaster: "hostmaster", ttl: 5, upstream: upstream.New()}
}

// ServeDNS implements plugin.Handler.
func (e *External) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	zone := plugin.Zones(e.Zones).Matches(qname)
	if zone == "" || e.backend == nil {
		return plugin.NextOrFailure(e.Name(), e.Next, ctx, w, r)
	}
	state.Zone = zone

	if qname == zone {
		return e.serveApex(state)
	}
	if dns.IsSubDomain(e.apexName(zone), qname) {
		return e.serveSubApex(state)
	}

	var (
		services []msg.Service
		rcode    int
	)
	reverse := state.QType() == dns.TypePTR && dnsutil.IsReverse(qname) > 0
	if reverse {
		services, rcode = e.reverse(qname)
	} else {
		services, rcode = e.backend.External(state, e.headless)
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true

	if len(services) == 0 {
		if rcode == dns.RcodeNameError && e.fall.Through(qname) {
			return plugin.NextOrFailure(e.Name(), e.Next, ctx, w, r)
		}
		m.Rcode = rcode
		m.Ns = []dns.RR{e.soa(zone)}
		w.WriteMsg(m) //nolint:errcheck // the client may be gone; nothing to do
		return dns.RcodeSuccess, nil
	}

	switch state.QType() {
	case dns.TypeA:
		m.Answer, m.Truncated = e.address(ctx, services, state, dns.TypeA)
	case dns.TypeAAAA:
		m.Answer, m.Truncated = e.address(ctx, services, state, dns.TypeAAAA)
	case dns.TypeSRV:
		m.Answer, m.Extra = e.srv(services, state.QName())
	case dns.TypePTR:
		if reverse { // a forward name has no PTR records
			m.Answer = e.ptr(services, state.QName())
		}
	}
	if len(m.Answer) == 0 {
		// The name exists, but has nothing of this type: NODATA.
		m.Ns = []dns.RR{e.soa(zone)}
	}
	w.WriteMsg(m) //nolint:errcheck // the client may be gone; nothing to do
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (e *External) Name() string { return "k8s_external" }

// reverse asks the backend for the services owning the address of the
// reverse name qname.
func (e *External) reverse(qname string) ([]msg.Service, int) {
	ip := dnsutil.ExtractAddressFromReverse(qname)
	if ip == "" {
		return nil, dns.RcodeNameError
	}
	services, err := e.backend.ExternalReverse(ip)
	if err != nil || len(services) == 0 {
		return nil, dns.RcodeNameError
	}
	return services, dns.RcodeSuccess
}

// apexName is the name below zone that holds the name server records.
func (e *External) apexName(zone string) string { return dnsutil.Join(e.apex, zone) }

// forwardZone is the zone PTR targets are placed in: the first configured
// zone that is not a reverse zone.
func (e *External) forwardZone() string {
	for _, z := range e.Zones {
		if !dns.IsSubDomain("in-addr.arpa.", z) && !dns.IsSubDomain("ip6.arpa.", z) {
			return z
		}
	}
	if len(e.Zones) > 0 {
		return e.Zones[0]
	}
	return "."
}
