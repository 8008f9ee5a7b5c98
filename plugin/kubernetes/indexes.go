package kubernetes

import (
	"github.com/coredns/coredns/plugin/kubernetes/object"
)

// serviceIndex finds services by cluster IP and by external IP.
type serviceIndex struct {
	byIP    multiIndex[string, *object.Service]
	byExtIP multiIndex[string, *object.Service]
}

func (x *serviceIndex) add(obj object.Keyed) {
	s := obj.(*object.Service)
	for _, ip := range s.ClusterIPs {
		x.byIP.add(ip, s)
	}
	for _, ip := range s.ExternalIPs {
		x.byExtIP.add(ip, s)
	}
}

func (x *serviceIndex) remove(obj object.Keyed) {
	s := obj.(*object.Service)
	for _, ip := range s.ClusterIPs {
		x.byIP.remove(ip, s)
	}
	for _, ip := range s.ExternalIPs {
		x.byExtIP.remove(ip, s)
	}
}

// sliceIndex finds endpoint slices by service and by endpoint IP; slices
// of ServiceImports (multicluster) are kept apart.
type sliceIndex struct {
	byService multiIndex[object.Key, *object.EndpointSlice]
	byImport  multiIndex[object.Key, *object.EndpointSlice]
	byIP      multiIndex[string, *object.EndpointSlice]
}

func (x *sliceIndex) add(obj object.Keyed) {
	e := obj.(*object.EndpointSlice)
	if e.MultiCluster {
		x.byImport.add(e.ServiceKey(), e)
		return
	}
	x.byService.add(e.ServiceKey(), e)
	for i := range e.Endpoints {
		x.byIP.add(e.Endpoints[i].IP, e)
	}
}

func (x *sliceIndex) remove(obj object.Keyed) {
	e := obj.(*object.EndpointSlice)
	if e.MultiCluster {
		x.byImport.remove(e.ServiceKey(), e)
		return
	}
	x.byService.remove(e.ServiceKey(), e)
	for i := range e.Endpoints {
		x.byIP.remove(e.Endpoints[i].IP, e)
	}
}

// podIndex finds running pods by IP.
type podIndex struct {
	byIP multiIndex[string, *object.Pod]
}

func (x *podIndex) add(obj object.Keyed) {
	p := obj.(*object.Pod)
	if p.Terminating {
		return
	}
	for _, ip := range p.IPs {
		x.byIP.add(ip, p)
	}
}

func (x *podIndex) remove(obj object.Keyed) {
	p := obj.(*object.Pod)
	if p.Terminating {
		return
	}
	for _, ip := range p.IPs {
		x.byIP.remove(ip, p)
	}
}
