package kubernetes

import (
	"net"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"

	"github.com/miekg/dns"
)

// nsAddrs returns the address records of this server as a name server of
// zone. When the server's own addresses are endpoints of services, each
// record is named after such a service: its cluster IPs (or, with external,
// its external IPs) under the service's name, or for a headless service
// (with external only when headless is set) the endpoints under their own
// names. Otherwise the server's addresses are returned as ns.dns.<zone>.
func (k *Kubernetes) nsAddrs(external, headless bool, zone string) []dns.RR {
	var (
		rrs   []dns.RR
		seen  = map[[2]string]struct{}{}
		found bool
	)
	add := func(name, ip string) {
		if _, dup := seen[[2]string{name, ip}]; dup {
			return
		}
		if rr := addressRecord(name, ip, k.ttl); rr != nil {
			seen[[2]string{name, ip}] = struct{}{}
			rrs = append(rrs, rr)
		}
	}
	for _, local := range k.localIPs {
		for _, es := range k.apiConn.slicesByIP(local.String()) {
			found = true
			svc := k.apiConn.service(es.ServiceKey())
			if svc == nil {
				continue
			}
			var name string
			if external {
				name = dnsutil.Join(svc.Name, svc.Namespace, zone)
			} else {
				name = dnsutil.Join(svc.Name, svc.Namespace, Svc, zone)
			}
			switch {
			case svc.Headless && (headless || !external):
				for i := range es.Endpoints {
					ep := &es.Endpoints[i]
					add(dnsutil.Join(endpointHostname(ep, k.endpointNameMode), name), ep.IP)
				}
			case external:
				for _, ip := range svc.ExternalIPs {
					add(name, ip)
				}
			default:
				for _, ip := range svc.ClusterIPs {
					add(name, ip)
				}
			}
		}
	}
	if found {
		return rrs
	}
	name := dnsutil.Join("ns.dns", zone)
	for _, local := range k.localIPs {
		add(name, local.String())
	}
	return rrs
}

// nsServices returns nsAddrs as services, limited to qtype A or AAAA
// unless qtype is 0.
func (k *Kubernetes) nsServices(zone string, qtype uint16) []msg.Service {
	var svcs []msg.Service
	for _, rr := range k.nsAddrs(false, false, zone) {
		key := msg.Path(rr.Header().Name, keyPrefix)
		switch a := rr.(type) {
		case *dns.A:
			if qtype == 0 || qtype == dns.TypeA {
				svcs = append(svcs, msg.Service{Host: a.A.String(), Key: key, TTL: k.ttl})
			}
		case *dns.AAAA:
			if qtype == 0 || qtype == dns.TypeAAAA {
				svcs = append(svcs, msg.Service{Host: a.AAAA.String(), Key: key, TTL: k.ttl})
			}
		}
	}
	return svcs
}

// addressRecord returns an A or AAAA record for ip, or nil if it is not an
// address.
func addressRecord(name, ip string, ttl uint32) dns.RR {
	parsed := net.ParseIP(ip)
	if parsed == nil {
		return nil
	}
	if v4 := parsed.To4(); v4 != nil {
		return &dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: v4}
	}
	return &dns.AAAA{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: ttl}, AAAA: parsed}
}

// boundIPs returns the addresses the server listens on; for a wildcard
// listen address every address of the host.
func boundIPs(hosts []string) []net.IP {
	var ips []net.IP
	all := len(hosts) == 0
	for _, h := range hosts {
		ip := net.ParseIP(h)
		if h == "" || (ip != nil && ip.IsUnspecified()) {
			all = true
			continue
		}
		if ip != nil {
			ips = append(ips, ip)
		}
	}
	if !all {
		return ips
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ips
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() {
			ips = append(ips, n.IP)
		}
	}
	return ips
}
