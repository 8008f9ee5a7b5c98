package kubernetes

import (
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/autopath"
	external "github.com/coredns/coredns/plugin/k8s_external"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/ready"
)

// The interfaces other plugins find the kubernetes plugin by.
var (
	_ plugin.ServiceBackend = (*Kubernetes)(nil)
	_ external.Externaler   = (*Kubernetes)(nil)
	_ autopath.AutoPather   = (*Kubernetes)(nil)
	_ metadata.Provider     = (*Kubernetes)(nil)
	_ ready.Readiness       = (*Kubernetes)(nil)
)
