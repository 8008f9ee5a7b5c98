package kubernetes

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/request"
)

// Metadata implements metadata.Provider: the parts of the query name and,
// with pods verified, the client pod's name and namespace.
func (k *Kubernetes) Metadata(ctx context.Context, state request.Request) context.Context {
	pod := k.podWithIP(state.IP())
	if pod != nil {
		metadata.SetValueFunc(ctx, "kubernetes/client-namespace", func() string { return pod.Namespace })
		metadata.SetValueFunc(ctx, "kubernetes/client-pod-name", func() string { return pod.Name })
	}

	zone := plugin.Zones(k.Zones).Matches(state.Name())
	if zone == "" {
		return ctx
	}
	r, err := parseRequest(state.Name(), zone, k.isMulticlusterZone(zone))
	if err != nil || r.podOrSvc == "" {
		return ctx
	}
	set := func(label, value string) {
		metadata.SetValueFunc(ctx, "kubernetes/"+label, func() string { return value })
	}
	set("endpoint", r.endpoint)
	set("kind", r.podOrSvc)
	set("namespace", r.namespace)
	set("port-name", r.port)
	set("protocol", r.protocol)
	set("service", r.service)
	return ctx
}
