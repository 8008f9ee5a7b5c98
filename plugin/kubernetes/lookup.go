package kubernetes

import (
	"github.com/coredns/coredns/plugin/kubernetes/object"
)

// service returns the service named by k, or nil.
func (c *controller) service(k object.Key) *object.Service {
	if s, ok := c.svc.get(k).(*object.Service); ok {
		return s
	}
	return nil
}

// serviceImport returns the ServiceImport named by k, or nil.
func (c *controller) serviceImport(k object.Key) *object.ServiceImport {
	if s, ok := c.imp.get(k).(*object.ServiceImport); ok {
		return s
	}
	return nil
}

// services returns every service.
func (c *controller) services() []*object.Service {
	objs := c.svc.list()
	out := make([]*object.Service, len(objs))
	for i, o := range objs {
		out[i] = o.(*object.Service)
	}
	return out
}

// serviceImports returns every ServiceImport.
func (c *controller) serviceImports() []*object.ServiceImport {
	objs := c.imp.list()
	out := make([]*object.ServiceImport, len(objs))
	for i, o := range objs {
		out[i] = o.(*object.ServiceImport)
	}
	return out
}

// servicesByIP returns the services with cluster IP ip.
func (c *controller) servicesByIP(ip string) []*object.Service {
	c.svc.mu.RLock()
	defer c.svc.mu.RUnlock()
	return c.svcIdx.byIP[ip]
}

// servicesByExternalIP returns the services with external IP ip.
func (c *controller) servicesByExternalIP(ip string) []*object.Service {
	c.svc.mu.RLock()
	defer c.svc.mu.RUnlock()
	return c.svcIdx.byExtIP[ip]
}

// slices returns the endpoint slices of service k.
func (c *controller) slices(k object.Key) []*object.EndpointSlice {
	c.eps.mu.RLock()
	defer c.eps.mu.RUnlock()
	return c.epsIdx.byService[k]
}

// importSlices returns the multicluster endpoint slices of ServiceImport k.
func (c *controller) importSlices(k object.Key) []*object.EndpointSlice {
	c.eps.mu.RLock()
	defer c.eps.mu.RUnlock()
	return c.epsIdx.byImport[k]
}

// slicesByIP returns the endpoint slices that hold address ip.
func (c *controller) slicesByIP(ip string) []*object.EndpointSlice {
	c.eps.mu.RLock()
	defer c.eps.mu.RUnlock()
	return c.epsIdx.byIP[ip]
}

// podsByIP returns the running pods with address ip.
func (c *controller) podsByIP(ip string) []*object.Pod {
	c.pod.mu.RLock()
	defer c.pod.mu.RUnlock()
	return c.podIdx.byIP[ip]
}

// namespaceExists reports whether namespace ns is known (and matches the
// namespace_labels selector, which the watch applies).
func (c *controller) namespaceExists(ns string) bool {
	return c.ns.get(object.Key{Name: ns}) != nil
}

// servicesByIPBytes is servicesByIP for an address held in a buffer.
func (c *controller) servicesByIPBytes(ip []byte) []*object.Service {
	c.svc.mu.RLock()
	defer c.svc.mu.RUnlock()
	return c.svcIdx.byIP[string(ip)]
}

// slicesByIPBytes is slicesByIP for an address held in a buffer.
func (c *controller) slicesByIPBytes(ip []byte) []*object.EndpointSlice {
	c.eps.mu.RLock()
	defer c.eps.mu.RUnlock()
	return c.epsIdx.byIP[string(ip)]
}

// podInNamespace reports whether a running pod in namespace ns has the
// address ip (in its canonical text form).
func (c *controller) podInNamespace(ip []byte, ns string) bool {
	c.pod.mu.RLock()
	pods := c.podIdx.byIP[string(ip)]
	c.pod.mu.RUnlock()
	for _, p := range pods {
		if p.Namespace == ns {
			return true
		}
	}
	return false
}
