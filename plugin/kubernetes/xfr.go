package kubernetes

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/transfer"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// errNotAuthoritative is returned by Transfer for zones this plugin does
// not serve.
var errNotAuthoritative = transfer.ErrNotAuthoritative

// Transfer implements the transfer plugin's Transferer: the whole cluster
// zone, SOA first and last. A serial equal to the current one gets just the
// SOA (the IXFR "up to date" answer). Pod records are not transferred.
func (k *Kubernetes) Transfer(zone string, serial uint32) (<-chan []dns.RR, error) {
	match := plugin.Zones(k.Zones).Matches(zone)
	if match == "" || !strings.EqualFold(match, dns.Fqdn(zone)) {
		return nil, errNotAuthoritative
	}
	zone = match
	state := request.Request{Zone: zone}
	soa, err := plugin.SOA(context.Background(), k, zone, state, plugin.Options{})
	if err != nil {
		return nil, errNotAuthoritative
	}

	ch := make(chan []dns.RR)
	go func() {
		defer close(ch)
		if serial != 0 && soa[0].(*dns.SOA).Serial == serial {
			ch <- soa
			return
		}
		ch <- soa
		ch <- k.transferNS(zone)
		if !isReverseZone(zone) {
			services := k.apiConn.services()
			sort.Slice(services, func(i, j int) bool {
				if services[i].Namespace != services[j].Namespace {
					return services[i].Namespace < services[j].Namespace
				}
				return services[i].Name < services[j].Name
			})
			for _, svc := range services {
				if !k.namespaceExposed(svc.Namespace) {
					continue
				}
				if rrs := k.serviceRecords(svc, zone); len(rrs) > 0 {
					ch <- rrs
				}
			}
		}
		ch <- soa
	}()
	return ch, nil
}

// transferNS returns the apex NS records, one for each name server name,
// and the addresses of those names.
func (k *Kubernetes) transferNS(zone string) []dns.RR {
	addrs := k.nsAddrs(false, false, zone)
	var rrs []dns.RR
	seen := map[string]struct{}{}
	for _, a := range addrs {
		name := a.Header().Name
		if _, dup := seen[name]; dup {
			continue
		}
		seen[name] = struct{}{}
		rrs = append(rrs, &dns.NS{Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: k.ttl}, Ns: name})
	}
	return append(rrs, addrs...)
}

// serviceRecords returns every record of one service in zone.
func (k *Kubernetes) serviceRecords(svc *object.Service, zone string) []dns.RR {
	name := dnsutil.Join(svc.Name, svc.Namespace, Svc, zone)
	hdr := func(owner string, t uint16) dns.RR_Header {
		return dns.RR_Header{Name: owner, Rrtype: t, Class: dns.ClassINET, Ttl: k.ttl}
	}
	var rrs []dns.RR
	switch {
	case svc.IsExternalName():
		s := msg.Service{Host: svc.ExternalName}
		if t, _ := s.HostType(); t == dns.TypeCNAME {
			rrs = append(rrs, &dns.CNAME{Hdr: hdr(name, dns.TypeCNAME), Target: dns.Fqdn(svc.ExternalName)})
		}
	case !svc.Headless:
		for _, ip := range svc.ClusterIPs {
			if rr := addressRecord(name, ip, k.ttl); rr != nil {
				rrs = append(rrs, rr)
			}
		}
		if len(rrs) == 0 {
			return nil
		}
		for _, p := range svc.Ports {
			if p.Port == -1 {
				continue
			}
			rrs = append(rrs, &dns.SRV{Hdr: hdr(name, dns.TypeSRV), Weight: 100, Port: uint16(p.Port), Target: name})
			if p.Name != "" {
				owner := "_" + p.Name + "._" + p.Protocol + "." + name
				rrs = append(rrs, &dns.SRV{Hdr: hdr(owner, dns.TypeSRV), Weight: 100, Port: uint16(p.Port), Target: name})
			}
		}
	default:
		for _, es := range k.apiConn.slices(svc.ObjectKey()) {
			weight := srvWeight(len(es.Endpoints))
			for i := range es.Endpoints {
				ep := &es.Endpoints[i]
				target := dnsutil.Join(endpointHostname(ep, k.endpointNameMode), name)
				if rr := addressRecord(name, ep.IP, k.ttl); rr != nil {
					rrs = append(rrs, rr)
				}
				if rr := addressRecord(target, ep.IP, k.ttl); rr != nil {
					rrs = append(rrs, rr)
				}
				for _, p := range es.Ports {
					if p.Name == "" || p.Port == -1 {
						continue
					}
					owner := "_" + p.Name + "._" + p.Protocol + "." + name
					rrs = append(rrs, &dns.SRV{Hdr: hdr(owner, dns.TypeSRV), Weight: weight, Port: uint16(p.Port), Target: target})
				}
			}
		}
	}
	return rrs
}

// srvWeight spreads a weight of 100 over n targets.
func srvWeight(n int) uint16 {
	if n == 0 {
		return 0
	}
	return uint16(math.Floor(100.0 / float64(n)))
}

var _ transfer.Transferer = (*Kubernetes)(nil)
