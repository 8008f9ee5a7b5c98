package object

import (
	api "k8s.io/api/core/v1"
)

// Pod is what DNS needs of a Pod: its name, namespace and addresses.
type Pod struct {
	Name      string
	Namespace string
	IPs       []string
	// Terminating pods, and pods that have finished (or whose state is
	// unknown), are kept out of the IP index: their addresses may already
	// belong to another pod.
	Terminating bool
}

// ObjectKey implements Keyed.
func (p *Pod) ObjectKey() Key { return Key{Namespace: p.Namespace, Name: p.Name} }

// ToPod is the informer transform for Pods.
func ToPod(obj any) (any, error) {
	pod, ok := obj.(*api.Pod)
	if !ok {
		if _, trimmed := obj.(*Pod); trimmed {
			return obj, nil
		}
		return nil, errUnexpected
	}
	p := &Pod{Name: pod.Name, Namespace: intern(pod.Namespace)}
	p.Terminating = (pod.DeletionTimestamp != nil && !pod.DeletionTimestamp.IsZero()) ||
		pod.Status.Phase == api.PodSucceeded || pod.Status.Phase == api.PodFailed || pod.Status.Phase == api.PodUnknown
	switch {
	case len(pod.Status.PodIPs) > 0:
		p.IPs = make([]string, len(pod.Status.PodIPs))
		for i, ip := range pod.Status.PodIPs {
			p.IPs[i] = ip.IP
		}
	case pod.Status.PodIP != "":
		p.IPs = []string{pod.Status.PodIP}
	}
	return p, nil
}

// Namespace is a namespace name; its labels were checked by the watch.
type Namespace struct {
	Name string
}

// ObjectKey implements Keyed.
func (n *Namespace) ObjectKey() Key { return Key{Name: n.Name} }

// ToNamespace is the informer transform for Namespaces.
func ToNamespace(obj any) (any, error) {
	ns, ok := obj.(*api.Namespace)
	if !ok {
		if _, trimmed := obj.(*Namespace); trimmed {
			return obj, nil
		}
		return nil, errUnexpected
	}
	return &Namespace{Name: intern(ns.Name)}, nil
}
