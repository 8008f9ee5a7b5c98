package kubernetes

import (
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/request"
)

// AutoPath implements autopath.AutoPather: the search path of the pod that
// sent the query (pods verified is needed to know it), ending in "" so the
// bare name is tried too.
func (k *Kubernetes) AutoPath(state request.Request) []string {
	zone := plugin.Zones(k.Zones).Matches(state.Name())
	if zone == "" || !k.opts.initPodCache {
		return nil
	}
	pod := k.podWithIP(state.IP())
	if pod == nil {
		return nil
	}
	search := make([]string, 0, 4+len(k.autoPathSearch))
	if zone == "." {
		search = append(search, pod.Namespace+".svc.", "svc.", ".")
	} else {
		search = append(search, pod.Namespace+".svc."+zone, "svc."+zone, zone)
	}
	search = append(search, k.autoPathSearch...)
	return append(search, "")
}

// podWithIP returns a running pod with address ip, or nil.
func (k *Kubernetes) podWithIP(ip string) *object.Pod {
	if k.apiConn == nil {
		return nil
	}
	for _, p := range k.apiConn.podsByIP(ip) {
		if k.namespaceExposedConfigured(p.Namespace) {
			return p
		}
	}
	return nil
}

// namespaceExposedConfigured reports whether ns passes the namespaces
// option (existence is not checked).
func (k *Kubernetes) namespaceExposedConfigured(ns string) bool {
	if len(k.Namespaces) == 0 {
		return true
	}
	_, ok := k.Namespaces[ns]
	return ok
}
