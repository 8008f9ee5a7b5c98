package kubernetes

import (
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/kubernetes/object"

	"github.com/miekg/dns"
)

// findServices answers the names below svc.zone.
func (k *Kubernetes) findServices(r recordRequest, zone string) ([]msg.Service, error) {
	if r.service == "" {
		return nil, nil // Records checked the namespace exists: NODATA
	}
	if r.cluster != "" {
		return nil, errNoItems
	}

	err := errNoItems
	var candidates []*object.Service
	if svc := k.apiConn.service(object.Key{Namespace: r.namespace, Name: r.service}); svc != nil {
		candidates = []*object.Service{svc}
	}

	var (
		services []msg.Service
		zonePath string
	)
	for _, svc := range candidates {
		if zonePath == "" {
			zonePath = msg.Path(zone, keyPrefix)
		}
		if svc.IsExternalName() {
			// No endpoints, ports or protocols below an ExternalName.
			if r.endpoint != "" || r.port != "" || r.protocol != "" {
				continue
			}
			s := msg.Service{Key: svcKey(zonePath, svc.Namespace, svc.Name), Host: svc.ExternalName, TTL: k.ttl}
			if t, _ := s.HostType(); t == dns.TypeCNAME {
				services = append(services, s)
				err = nil
			}
			continue
		}

		if k.ignoreEmpty && !svc.Headless && !k.hasReadyEndpoints(svc) {
			continue
		}

		if svc.Headless || r.endpoint != "" {
			before := len(services)
			services = k.endpointServices(services, svc, r, zonePath)
			if len(services) > before {
				err = nil
			}
			continue
		}

		for _, p := range svc.Ports {
			if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) {
				continue
			}
			err = nil
			for _, ip := range svc.ClusterIPs {
				services = append(services, msg.Service{Host: ip, Port: int(p.Port), TTL: k.ttl, Key: svcKey(zonePath, svc.Namespace, svc.Name)})
			}
		}
	}
	return services, err
}

// endpointServices appends the ready endpoints of svc that match r.
func (k *Kubernetes) endpointServices(services []msg.Service, svc *object.Service, r recordRequest, zonePath string) []msg.Service {
	for _, es := range k.apiConn.slices(svc.ObjectKey()) {
		for i := range es.Endpoints {
			ep := &es.Endpoints[i]
			host := endpointHostname(ep, k.endpointNameMode)
			if r.endpoint != "" && !match(r.endpoint, host) {
				continue
			}
			for _, p := range es.Ports {
				if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) {
					continue
				}
				services = append(services, msg.Service{Host: ep.IP, Port: int(p.Port), TTL: k.ttl, Key: svcKey(zonePath, svc.Namespace, svc.Name, host)})
			}
		}
	}
	return services
}

// hasReadyEndpoints reports whether svc has at least one ready endpoint.
func (k *Kubernetes) hasReadyEndpoints(svc *object.Service) bool {
	for _, es := range k.apiConn.slices(svc.ObjectKey()) {
		if len(es.Endpoints) > 0 {
			return true
		}
	}
	return false
}

// findMultiClusterServices answers names below svc.<clusterset zone> from
// ServiceImports: the clusterset IPs, or for headless imports the endpoints
// of every cluster, named hostname.cluster.service.namespace.
func (k *Kubernetes) findMultiClusterServices(r recordRequest, zone string) ([]msg.Service, error) {
	if r.service == "" {
		return nil, nil
	}
	err := errNoItems
	var candidates []*object.ServiceImport
	if si := k.apiConn.serviceImport(object.Key{Namespace: r.namespace, Name: r.service}); si != nil {
		candidates = []*object.ServiceImport{si}
	}

	var services []msg.Service
	zonePath := msg.Path(zone, keyPrefix)
	for _, si := range candidates {
		if si.Headless || r.endpoint != "" {
			for _, es := range k.apiConn.importSlices(si.ObjectKey()) {
				if r.cluster != "" && !match(r.cluster, es.ClusterID) {
					continue
				}
				for i := range es.Endpoints {
					ep := &es.Endpoints[i]
					host := endpointHostname(ep, k.endpointNameMode)
					if r.endpoint != "" && !match(r.endpoint, host) {
						continue
					}
					for _, p := range es.Ports {
						if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) {
							continue
						}
						err = nil
						services = append(services, msg.Service{Host: ep.IP, Port: int(p.Port), TTL: k.ttl,
							Key: svcKey(zonePath, si.Namespace, si.Name, es.ClusterID, host)})
					}
				}
			}
			continue
		}
		for _, p := range si.Ports {
			if !matchPortAndProtocol(r.port, p.Name, r.protocol, p.Protocol) {
				continue
			}
			err = nil
			for _, ip := range si.IPs {
				services = append(services, msg.Service{Host: ip, Port: int(p.Port), TTL: k.ttl, Key: svcKey(zonePath, si.Namespace, si.Name)})
			}
		}
	}
	return services, err
}
