package object

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ServiceImportResource is the multicluster (MCS API) ServiceImport resource.
var ServiceImportResource = schema.GroupVersionResource{Group: "multicluster.x-k8s.io", Version: "v1alpha1", Resource: "serviceimports"}

// ServiceImport is what DNS needs of an MCS ServiceImport.
type ServiceImport struct {
	Name      string
	Namespace string
	IPs       []string // the clusterset IPs; empty when headless
	Headless  bool
	Ports     []Port
}

// ObjectKey implements Keyed.
func (s *ServiceImport) ObjectKey() Key { return Key{Namespace: s.Namespace, Name: s.Name} }

// Equal reports whether s and o answer DNS the same way.
func (s *ServiceImport) Equal(o *ServiceImport) bool {
	return s.Headless == o.Headless && equalStrings(s.IPs, o.IPs) && equalPorts(s.Ports, o.Ports)
}

// ToServiceImport is the informer transform for ServiceImports, which arrive
// as unstructured objects from the dynamic client.
func ToServiceImport(obj any) (any, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		if _, trimmed := obj.(*ServiceImport); trimmed {
			return obj, nil
		}
		return nil, errUnexpected
	}
	s := &ServiceImport{Name: u.GetName(), Namespace: intern(u.GetNamespace())}
	typ, _, _ := unstructured.NestedString(u.Object, "spec", "type")
	s.Headless = typ == "Headless"
	if ips, found, _ := unstructured.NestedStringSlice(u.Object, "spec", "ips"); found {
		s.IPs = ips
	}
	ports, _, _ := unstructured.NestedSlice(u.Object, "spec", "ports")
	for _, p := range ports {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		var port Port
		port.Name, _ = m["name"].(string)
		proto, _ := m["protocol"].(string)
		port.Protocol = protocol(proto)
		switch n := m["port"].(type) {
		case int64:
			port.Port = int32(n)
		case float64:
			port.Port = int32(n)
		}
		s.Ports = append(s.Ports, port)
	}
	if len(s.Ports) == 0 {
		s.Ports = NoPort
	}
	return s, nil
}
