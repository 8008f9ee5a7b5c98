package object

import (
	"errors"

	api "k8s.io/api/core/v1"
)

// Service is what DNS needs of a Kubernetes Service.
type Service struct {
	Name      string
	Namespace string
	// ClusterIPs are the virtual IPs (both families on dual-stack); empty
	// for headless and ExternalName services.
	ClusterIPs []string
	// ExternalIPs are spec.externalIPs followed by the load balancer
	// ingress addresses: the IP, or the host name of an ingress that has
	// no IP (k8s_external answers those with a CNAME).
	ExternalIPs  []string
	ExternalName string // set only for type ExternalName
	Ports        []Port // NoPort when the service has none
	Headless     bool   // clusterIP None
	HasSelector  bool
}

// ObjectKey implements Keyed.
func (s *Service) ObjectKey() Key { return Key{Namespace: s.Namespace, Name: s.Name} }

// IsExternalName reports whether the service is a CNAME to ExternalName.
func (s *Service) IsExternalName() bool { return s.ExternalName != "" }

// Kind is the service_kind label of the DNS programming duration metric.
func (s *Service) Kind() string {
	switch {
	case !s.Headless:
		return "cluster_ip"
	case s.HasSelector:
		return "headless_with_selector"
	}
	return "headless_without_selector"
}

// Equal reports whether s and o answer DNS the same way.
func (s *Service) Equal(o *Service) bool {
	return s.Name == o.Name && s.Namespace == o.Namespace && s.ExternalName == o.ExternalName &&
		s.Headless == o.Headless && s.HasSelector == o.HasSelector &&
		equalStrings(s.ClusterIPs, o.ClusterIPs) && equalStrings(s.ExternalIPs, o.ExternalIPs) &&
		equalPorts(s.Ports, o.Ports)
}

var errUnexpected = errors.New("unexpected object type")

// ToService is the informer transform for Services.
func ToService(obj any) (any, error) {
	svc, ok := obj.(*api.Service)
	if !ok {
		if _, trimmed := obj.(*Service); trimmed {
			return obj, nil
		}
		return nil, errUnexpected
	}
	s := &Service{
		Name:        svc.Name,
		Namespace:   intern(svc.Namespace),
		HasSelector: len(svc.Spec.Selector) > 0,
	}
	if svc.Spec.Type == api.ServiceTypeExternalName {
		s.ExternalName = svc.Spec.ExternalName
	} else if svc.Spec.ClusterIP == api.ClusterIPNone {
		s.Headless = true
	} else if len(svc.Spec.ClusterIPs) > 0 {
		s.ClusterIPs = svc.Spec.ClusterIPs
	} else if svc.Spec.ClusterIP != "" {
		s.ClusterIPs = []string{svc.Spec.ClusterIP}
	}

	n := len(svc.Spec.ExternalIPs)
	for _, in := range svc.Status.LoadBalancer.Ingress {
		if in.IP != "" || in.Hostname != "" {
			n++
		}
	}
	if n > 0 {
		s.ExternalIPs = make([]string, 0, n)
		s.ExternalIPs = append(s.ExternalIPs, svc.Spec.ExternalIPs...)
		for _, in := range svc.Status.LoadBalancer.Ingress {
			switch {
			case in.IP != "":
				s.ExternalIPs = append(s.ExternalIPs, in.IP)
			case in.Hostname != "":
				s.ExternalIPs = append(s.ExternalIPs, in.Hostname)
			}
		}
	}

	if len(svc.Spec.Ports) == 0 {
		s.Ports = NoPort
	} else {
		s.Ports = make([]Port, len(svc.Spec.Ports))
		for i, p := range svc.Spec.Ports {
			s.Ports[i] = Port{Name: p.Name, Protocol: protocol(string(p.Protocol)), Port: p.Port}
		}
	}
	return s, nil
}
