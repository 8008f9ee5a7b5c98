package object

import (
	"time"

	discovery "k8s.io/api/discovery/v1"
)

// Labels that tie an EndpointSlice to its service.
const (
	ServiceNameLabel      = "kubernetes.io/service-name"
	MCSServiceNameLabel   = "multicluster.kubernetes.io/service-name"
	MCSSourceClusterLabel = "multicluster.kubernetes.io/source-cluster"
	lastChangeTrigger     = "endpoints.kubernetes.io/last-change-trigger-time"
)

// Endpoint is one ready address of an EndpointSlice.
type Endpoint struct {
	IP       string
	Hostname string // spec hostname; may be empty
	// TargetRefName is the name of the pod behind the address; kept only
	// when the endpoint_pod_names option needs it.
	TargetRefName string
}

// EndpointSlice is what DNS needs of a discovery/v1 EndpointSlice.
type EndpointSlice struct {
	Name      string
	Namespace string
	Service   string // the owning service's name
	// ClusterID is the source cluster of a multicluster (MCS) slice; such
	// slices have MultiCluster set and belong to a ServiceImport.
	ClusterID    string
	MultiCluster bool
	Endpoints    []Endpoint // ready endpoints only
	Ports        []Port
	// Trigger is the last-change-trigger-time annotation, for the DNS
	// programming duration metric; zero when absent.
	Trigger time.Time
}

// ObjectKey implements Keyed.
func (e *EndpointSlice) ObjectKey() Key { return Key{Namespace: e.Namespace, Name: e.Name} }

// ServiceKey is the key of the service (or ServiceImport) e belongs to.
func (e *EndpointSlice) ServiceKey() Key { return Key{Namespace: e.Namespace, Name: e.Service} }

// Equal reports whether e and o answer DNS the same way.
func (e *EndpointSlice) Equal(o *EndpointSlice) bool {
	if e.Service != o.Service || e.ClusterID != o.ClusterID || e.MultiCluster != o.MultiCluster ||
		len(e.Endpoints) != len(o.Endpoints) || !equalPorts(e.Ports, o.Ports) {
		return false
	}
	for i := range e.Endpoints {
		if e.Endpoints[i] != o.Endpoints[i] {
			return false
		}
	}
	return true
}

// EndpointSliceTransform returns the informer transform for EndpointSlices;
// with podNames the target pod names are kept.
func EndpointSliceTransform(podNames bool) func(any) (any, error) {
	return func(obj any) (any, error) {
		es, ok := obj.(*discovery.EndpointSlice)
		if !ok {
			if _, trimmed := obj.(*EndpointSlice); trimmed {
				return obj, nil
			}
			return nil, errUnexpected
		}
		return toEndpointSlice(es, podNames), nil
	}
}

func toEndpointSlice(es *discovery.EndpointSlice, podNames bool) *EndpointSlice {
	e := &EndpointSlice{Name: es.Name, Namespace: intern(es.Namespace)}
	if svc, ok := es.Labels[ServiceNameLabel]; ok {
		e.Service = svc
	} else if svc, ok := es.Labels[MCSServiceNameLabel]; ok {
		e.Service = svc
		e.MultiCluster = true
		e.ClusterID = intern(es.Labels[MCSSourceClusterLabel])
	}
	if t, ok := es.Annotations[lastChangeTrigger]; ok {
		if parsed, err := time.Parse(time.RFC3339Nano, t); err == nil {
			e.Trigger = parsed
		}
	}

	n := 0
	for i := range es.Endpoints {
		if ready(&es.Endpoints[i]) {
			n += len(es.Endpoints[i].Addresses)
		}
	}
	if n > 0 {
		e.Endpoints = make([]Endpoint, 0, n)
	}
	for i := range es.Endpoints {
		ep := &es.Endpoints[i]
		if !ready(ep) {
			continue
		}
		var host, pod string
		if ep.Hostname != nil {
			host = *ep.Hostname
		}
		// A pod name longer than a DNS label cannot name the endpoint.
		if podNames && ep.TargetRef != nil && ep.TargetRef.Kind == "Pod" && len(ep.TargetRef.Name) < 64 {
			pod = ep.TargetRef.Name
		}
		for _, addr := range ep.Addresses {
			e.Endpoints = append(e.Endpoints, Endpoint{IP: addr, Hostname: host, TargetRefName: pod})
		}
	}

	if len(es.Ports) == 0 {
		e.Ports = NoPort
	} else {
		e.Ports = make([]Port, len(es.Ports))
		for i, p := range es.Ports {
			var port Port
			if p.Name != nil {
				port.Name = *p.Name
			}
			if p.Protocol != nil {
				port.Protocol = protocol(string(*p.Protocol))
			} else {
				port.Protocol = "tcp"
			}
			if p.Port != nil {
				port.Port = *p.Port
			}
			e.Ports[i] = port
		}
	}
	return e
}

// ready reports whether an endpoint may be served: a missing condition
// counts as ready, as the API documents.
func ready(ep *discovery.Endpoint) bool {
	return ep.Conditions.Ready == nil || *ep.Conditions.Ready
}
