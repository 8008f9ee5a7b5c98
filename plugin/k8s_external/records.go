package external

import (
	"context"
	"math"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// address returns the records of type qtype (A or AAAA) for the services:
// one per distinct address, and for a service that names a host (a load
// balancer with a host name) a CNAME followed by whatever the server's own
// chain answers for that host.
func (e *External) address(ctx context.Context, services []msg.Service, state request.Request, qtype uint16) (records []dns.RR, truncated bool) {
	qname := state.QName()
	var seen map[string]struct{}
	for i := range services {
		s := services[i] // a copy: the TTL is ours
		s.TTL = e.ttl
		what, ip := s.HostType()
		switch what {
		case dns.TypeCNAME:
			records = append(records, s.NewCNAME(qname, s.Host))
			if resp, err := e.upstream.Lookup(ctx, state, dns.Fqdn(s.Host), qtype); err == nil {
				records = append(records, resp.Answer...)
				truncated = truncated || resp.Truncated
			}
		case qtype:
			if seen == nil {
				seen = make(map[string]struct{}, len(services))
			}
			if _, dup := seen[s.Host]; dup {
				continue
			}
			seen[s.Host] = struct{}{}
			if what == dns.TypeA {
				records = append(records, s.NewA(qname, ip))
			} else {
				records = append(records, s.NewAAAA(qname, ip))
			}
		}
	}
	return records, truncated
}

// srv returns SRV records named qname for the services and, in extra, the
// addresses of their targets. A service with an address is reached under the
// name it was found at (its key); one with a host name points at that host.
// Within a priority the weights are spread so they add up to about 100.
func (e *External) srv(services []msg.Service, qname string) (records, extra []dns.RR) {
	totals := make(map[int]int)
	for i := range services {
		totals[services[i].Priority] += srvWeight(services[i].Weight)
	}

	type target struct {
		name string
		port uint16
		addr string
	}
	seen := make(map[target]struct{})
	for i := range services {
		s := services[i] // a copy: Host and TTL are rewritten
		if s.Port == -1 {
			continue
		}
		s.TTL = e.ttl
		weight := uint16(math.Floor(100.0 / float64(totals[s.Priority]) * float64(srvWeight(s.Weight))))
		if weight == 0 {
			weight = 1
		}

		what, ip := s.HostType()
		switch what {
		case dns.TypeCNAME:
			srv := s.NewSRV(qname, weight)
			if _, dup := seen[target{name: srv.Target, port: srv.Port}]; dup {
				continue
			}
			seen[target{name: srv.Target, port: srv.Port}] = struct{}{}
			records = append(records, srv)
		case dns.TypeA, dns.TypeAAAA:
			addr := s.Host
			s.Host = msg.Domain(s.Key)
			srv := s.NewSRV(qname, weight)
			if _, dup := seen[target{name: srv.Target, port: srv.Port}]; !dup {
				seen[target{name: srv.Target, port: srv.Port}] = struct{}{}
				records = append(records, srv)
			}
			if _, dup := seen[target{name: srv.Target, addr: addr}]; !dup {
				seen[target{name: srv.Target, addr: addr}] = struct{}{}
				if what == dns.TypeA {
					extra = append(extra, s.NewA(srv.Target, ip))
				} else {
					extra = append(extra, s.NewAAAA(srv.Target, ip))
				}
			}
		}
	}
	return records, extra
}

// srvWeight is the weight a service counts with: 100 when it has none.
func srvWeight(w int) int {
	if w == 0 {
		return 100
	}
	return w
}

// ptr returns PTR records from qname to the services' names. The backend
// names a service relative to the zone ("svc.ns"); those names are placed in
// the plugin's forward zone. A fully qualified name is used as it is.
func (e *External) ptr(services []msg.Service, qname string) []dns.RR {
	records := make([]dns.RR, 0, len(services))
	for i := range services {
		s := services[i]
		s.TTL = e.ttl
		target := s.Host
		if !dns.IsFqdn(target) {
			target = dnsutil.Join(target, e.forwardZone())
		}
		records = append(records, s.NewPTR(qname, target))
	}
	return records
}
