// Package nomad implements a plugin that answers A, AAAA and SRV queries from
// the native service registrations of a HashiCorp Nomad cluster.
package nomad

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/request"

	"github.com/hashicorp/nomad/api"
	"github.com/miekg/dns"
)

const name = "nomad"

// Nomad answers queries for SERVICE.NAMESPACE.ZONE from the Nomad services API.
type Nomad struct {
	Next plugin.Handler

	zone   string  // normalized, e.g. "service.nomad."
	ttl    uint32  // TTL of every record the plugin writes
	agents []agent // one per configured address, tried in turn

	current atomic.Uint32 // index of the agent that answered last
}

// agent is the part of the Nomad HTTP API the plugin uses. sdkAgent backs it
// with the official client; tests may swap in a fake.
type agent interface {
	services(ctx context.Context, service, namespace string) ([]*api.ServiceRegistration, error)
	self() error
}

// sdkAgent is an agent reached through github.com/hashicorp/nomad/api.
type sdkAgent struct{ c *api.Client }

func (a sdkAgent) services(ctx context.Context, service, namespace string) ([]*api.ServiceRegistration, error) {
	q := (&api.QueryOptions{Namespace: namespace}).WithContext(ctx)
	regs, _, err := a.c.Services().Get(service, q)
	return regs, err
}

func (a sdkAgent) self() error {
	_, err := a.c.Agent().Self()
	return err
}

// Name implements plugin.Handler.
func (n *Nomad) Name() string { return name }

// Ready implements the ready plugin's Readiness: the plugin is ready once any
// configured agent answers /v1/agent/self.
func (n *Nomad) Ready() bool {
	for _, a := range n.agents {
		if a.self() == nil {
			return true
		}
	}
	return false
}

// ServeDNS implements plugin.Handler.
func (n *Nomad) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	if !dns.IsSubDomain(n.zone, qname) {
		return plugin.NextOrFailure(name, n.Next, ctx, w, r)
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	owner := state.QName()

	service, namespace, ok := splitName(qname, n.zone)
	if !ok {
		m.Rcode = dns.RcodeNameError
		m.Answer = []dns.RR{n.soa(owner)}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	}

	regs, err := n.lookup(ctx, service, namespace)
	server := metrics.WithServer(ctx)
	if err != nil {
		failedCount.WithLabelValues(server, namespace).Inc()
		return dns.RcodeServerFailure, plugin.Error(name, err)
	}
	successCount.WithLabelValues(server, namespace).Inc()

	if len(regs) == 0 {
		m.Rcode = dns.RcodeNameError
		m.Answer = []dns.RR{n.soa(owner)}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	}

	switch state.QType() {
	case dns.TypeA:
		m.Answer = n.addresses(owner, regs, true, false)
	case dns.TypeAAAA:
		m.Answer = n.addresses(owner, regs, false, true)
	case dns.TypeSRV:
		m.Answer, m.Extra = n.srv(owner, regs)
	}
	if len(m.Answer) == 0 {
		m.Ns = []dns.RR{n.soa(owner)}
	}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

// lookup asks the agents in turn, starting with the one that answered last,
// for the registrations of service in namespace.
func (n *Nomad) lookup(ctx context.Context, service, namespace string) ([]*api.ServiceRegistration, error) {
	start := int(n.current.Load())
	var err error
	for i := range n.agents {
		k := (start + i) % len(n.agents)
		regs, e := n.agents[k].services(ctx, service, namespace)
		if e == nil {
			if k != start {
				n.current.Store(uint32(k))
			}
			return regs, nil
		}
		err = e
		if ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// splitName takes SERVICE.NAMESPACE.ZONE apart; any other shape is not ok.
func splitName(qname, zone string) (service, namespace string, ok bool) {
	rest := qname
	if zone != "." {
		rest = qname[:len(qname)-len(zone)]
	}
	// rest is "service.namespace." here.
	i := strings.IndexByte(rest, '.')
	if i <= 0 || i+1 >= len(rest) {
		return "", "", false
	}
	service, namespace = rest[:i], rest[i+1:len(rest)-1]
	if namespace == "" || strings.IndexByte(namespace, '.') >= 0 {
		return "", "", false
	}
	return service, namespace, true
}

// addresses makes an A or AAAA record for every registration whose address
// is of the asked family.
func (n *Nomad) addresses(owner string, regs []*api.ServiceRegistration, v4, v6 bool) []dns.RR {
	var rrs []dns.RR
	for _, reg := range regs {
		if rr := n.address(owner, reg.Address, v4, v6); rr != nil {
			rrs = append(rrs, rr)
		}
	}
	return rrs
}

// address makes the A or AAAA record for ip, or nil when ip is not an address
// of an allowed family.
func (n *Nomad) address(owner, ip string, v4, v6 bool) dns.RR {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	addr = addr.Unmap()
	if addr.Is4() && v4 {
		return &dns.A{Hdr: n.header(owner, dns.TypeA), A: net.IP(addr.AsSlice())}
	}
	if addr.Is6() && v6 {
		return &dns.AAAA{Hdr: n.header(owner, dns.TypeAAAA), AAAA: net.IP(addr.AsSlice())}
	}
	return nil
}

// srv makes an SRV record for every registration, each targeting the query
// name, with the registration's address as additional record.
func (n *Nomad) srv(owner string, regs []*api.ServiceRegistration) (answer, extra []dns.RR) {
	for _, reg := range regs {
		answer = append(answer, &dns.SRV{
			Hdr:      n.header(owner, dns.TypeSRV),
			Priority: 10,
			Weight:   10,
			Port:     uint16(reg.Port),
			Target:   owner,
		})
		if rr := n.address(owner, reg.Address, true, true); rr != nil {
			extra = append(extra, rr)
		}
	}
	return answer, extra
}

// soa is the record written with a negative answer: it names the query
// itself, as the upstream plugin does.
func (n *Nomad) soa(owner string) dns.RR {
	ns := "ns1." + owner
	if owner == "." {
		ns = "ns1."
	}
	return &dns.SOA{
		Hdr:     n.header(owner, dns.TypeSOA),
		Ns:      ns,
		Mbox:    ns,
		Serial:  1,
		Refresh: 3600,
		Retry:   600,
		Expire:  604800,
		Minttl:  3600,
	}
}

func (n *Nomad) header(owner string, typ uint16) dns.RR_Header {
	return dns.RR_Header{Name: owner, Rrtype: typ, Class: dns.ClassINET, Ttl: n.ttl}
}
