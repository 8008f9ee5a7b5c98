package kubernetes

import (
	"net"
	"sort"
	"strings"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// External implements k8s_external.Externaler: the external IPs of the
// service named service.namespace.<zone> ([_port._proto.] in front for
// SRV, endpoint in front for headless services when headless is set).
func (k *Kubernetes) External(state request.Request, headless bool) ([]msg.Service, int) {
	base, err := dnsutil.TrimZone(state.Name(), state.Zone)
	if err != nil || base == "" {
		return nil, dns.RcodeServerFailure
	}
	segs := dns.SplitDomainName(base)
	last := len(segs) - 1
	namespace := segs[last]
	if !k.namespaceExposed(namespace) {
		return nil, dns.RcodeNameError
	}
	last--
	if last < 0 {
		return nil, dns.RcodeSuccess
	}
	service := segs[last]
	last--

	var port, protocol, endpoint string
	switch last {
	case -1:
	case 0:
		if !headless {
			return nil, dns.RcodeNameError
		}
		endpoint = segs[0]
	case 1:
		protocol = stripUnderscore(segs[1])
		port = stripUnderscore(segs[0])
	default:
		return nil, dns.RcodeNameError
	}

	svc := k.apiConn.service(object.Key{Namespace: namespace, Name: service})
	if svc == nil {
		return nil, dns.RcodeNameError
	}
	zonePath := msg.Path(state.Zone, keyPrefix)
	var services []msg.Service
	rcode := dns.RcodeNameError
	if headless && svc.Headless {
		for _, es := range k.apiConn.slices(svc.ObjectKey()) {
			for i := range es.Endpoints {
				ep := &es.Endpoints[i]
				host := endpointHostname(ep, k.endpointNameMode)
				if endpoint != "" && !match(endpoint, host) {
					continue
				}
				for _, p := range es.Ports {
					if !matchPortAndProtocol(port, p.Name, protocol, p.Protocol) {
						continue
					}
					rcode = dns.RcodeSuccess
					services = append(services, msg.Service{Host: ep.IP, Port: int(p.Port), TTL: k.ttl,
						Key: zonePath + "/" + svc.Namespace + "/" + svc.Name + "/" + host})
				}
			}
		}
		return services, rcode
	}
	if endpoint != "" {
		return nil, dns.RcodeNameError
	}
	for _, ip := range svc.ExternalIPs {
		for _, p := range svc.Ports {
			if !matchPortAndProtocol(port, p.Name, protocol, p.Protocol) {
				continue
			}
			rcode = dns.RcodeSuccess
			services = append(services, msg.Service{Host: ip, Port: int(p.Port), TTL: k.ttl,
				Key: zonePath + "/" + svc.Namespace + "/" + svc.Name})
		}
	}
	return services, rcode
}

// ExternalAddress implements k8s_external.Externaler: the external
// addresses of the service this DNS server runs behind.
func (k *Kubernetes) ExternalAddress(state request.Request, headless bool) []dns.RR {
	return k.nsAddrs(true, headless, state.Zone)
}

// ExternalServices implements k8s_external.Externaler: every service with
// external IPs (and with headless, every headless endpoint) under zone.
func (k *Kubernetes) ExternalServices(zone string, headless bool) []msg.Service {
	zonePath := msg.Path(zone, keyPrefix)
	all := k.apiConn.services()
	sort.Slice(all, func(i, j int) bool {
		if all[i].Namespace != all[j].Namespace {
			return all[i].Namespace < all[j].Namespace
		}
		return all[i].Name < all[j].Name
	})
	var services []msg.Service
	for _, svc := range all {
		if !k.namespaceExposed(svc.Namespace) {
			continue
		}
		if headless && svc.Headless {
			for _, es := range k.apiConn.slices(svc.ObjectKey()) {
				for i := range es.Endpoints {
					ep := &es.Endpoints[i]
					for _, p := range es.Ports {
						services = append(services, msg.Service{Host: ep.IP, Port: int(p.Port), TTL: k.ttl,
							Key: zonePath + "/" + svc.Namespace + "/" + svc.Name + "/" + endpointHostname(ep, k.endpointNameMode)})
					}
				}
			}
			continue
		}
		for _, ip := range svc.ExternalIPs {
			for _, p := range svc.Ports {
				services = append(services, msg.Service{Host: ip, Port: int(p.Port), TTL: k.ttl,
					Key: zonePath + "/" + svc.Namespace + "/" + svc.Name})
			}
		}
	}
	return services
}

// ExternalSerial implements k8s_external.Externaler.
func (k *Kubernetes) ExternalSerial(string) uint32 {
	return uint32(k.apiConn.Modified(true))
}

// ExternalReverse implements k8s_external.Externaler. The argument is an
// address or a reverse name; each service with that external IP is
// returned with Host "service.namespace" (relative: the caller appends its
// zone).
func (k *Kubernetes) ExternalReverse(ip string) ([]msg.Service, error) {
	if strings.HasSuffix(ip, ".") {
		ip = dnsutil.ExtractAddressFromReverse(strings.ToLower(ip))
	}
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return nil, errNoItems
	}
	var svcs []msg.Service
	for _, svc := range k.apiConn.servicesByExternalIP(parsed.String()) {
		if !k.namespaceExposed(svc.Namespace) {
			continue
		}
		svcs = append(svcs, msg.Service{Host: svc.Name + "." + svc.Namespace, TTL: k.ttl})
	}
	if len(svcs) == 0 {
		return nil, errNoItems
	}
	return svcs, nil
}
