package kubernetes

import (
	"context"
	"net"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"
)

// Reverse implements plugin.ServiceBackend: PTR answers for service cluster
// IPs and endpoint addresses.
func (k *Kubernetes) Reverse(ctx context.Context, state request.Request, exact bool, opt plugin.Options) ([]msg.Service, error) {
	ip := dnsutil.ExtractAddressFromReverse(state.Name())
	if ip == "" {
		_, err := k.Records(ctx, state, exact)
		return nil, err
	}
	if parsed := net.ParseIP(ip); parsed != nil {
		ip = parsed.String()
	}
	records := k.serviceRecordForIP(ip)
	if len(records) == 0 {
		return nil, errNoItems
	}
	return records, nil
}

// serviceRecordForIP returns the names, in the first cluster zone, of the
// services and endpoints with address ip.
func (k *Kubernetes) serviceRecordForIP(ip string) []msg.Service {
	zone := k.primaryZone()
	var svcs []msg.Service
	for _, svc := range k.apiConn.servicesByIP(ip) {
		if !k.namespaceExposed(svc.Namespace) {
			continue
		}
		svcs = append(svcs, msg.Service{Host: dnsutil.Join(svc.Name, svc.Namespace, Svc, zone), TTL: k.ttl})
	}
	for _, es := range k.apiConn.slicesByIP(ip) {
		if !k.namespaceExposed(es.Namespace) {
			continue
		}
		for i := range es.Endpoints {
			ep := &es.Endpoints[i]
			if ep.IP != ip {
				continue
			}
			host := endpointHostname(ep, k.endpointNameMode)
			svcs = append(svcs, msg.Service{Host: dnsutil.Join(host, es.Service, es.Namespace, Svc, zone), TTL: k.ttl})
		}
	}
	return svcs
}

// primaryZone is the first zone that is not a reverse zone; PTR targets
// are named in it.
func (k *Kubernetes) primaryZone() string {
	for _, z := range k.Zones {
		if !isReverseZone(z) && !k.isMulticlusterZone(z) {
			return z
		}
	}
	if len(k.Zones) > 0 {
		return k.Zones[0]
	}
	return "."
}

// isReverseZone reports whether zone is in (or is) a reverse tree.
func isReverseZone(zone string) bool {
	return dnsutil.IsReverse("."+zone) > 0
}
