// Package object holds the trimmed forms of the Kubernetes API objects that
// the kubernetes plugin keeps in memory, and the transforms that produce
// them from the full API objects delivered by the informers.
//
// Only the fields needed to answer DNS questions survive the transform; the
// rest of the (much larger) API object is garbage as soon as the transform
// returns.
package object

import (
	"unique"

	"k8s.io/client-go/tools/cache"
)

// Key identifies a namespaced object.
type Key struct {
	Namespace string
	Name      string
}

// String returns the "namespace/name" form the client-go stores use.
func (k Key) String() string {
	if k.Namespace == "" {
		return k.Name
	}
	return k.Namespace + "/" + k.Name
}

// ParseKey is the inverse of Key.String.
func ParseKey(s string) Key {
	ns, name, err := cache.SplitMetaNamespaceKey(s)
	if err != nil {
		return Key{Name: s}
	}
	return Key{Namespace: ns, Name: name}
}

// Keyed is implemented by every trimmed object.
type Keyed interface {
	ObjectKey() Key
}

// KeyFunc returns the store key of a trimmed object or of a full API object,
// as the client-go queues compute keys of both.
func KeyFunc(obj any) (string, error) {
	if k, ok := obj.(Keyed); ok {
		return k.ObjectKey().String(), nil
	}
	return cache.MetaNamespaceKeyFunc(obj)
}

// intern returns a canonical copy of s, so that the namespace names repeated
// in thousands of objects share their bytes.
func intern(s string) string {
	return unique.Make(s).Value()
}

// Port is a named port of a service or an endpoint slice.
type Port struct {
	Name     string
	Protocol string // lower case: "tcp", "udp" or "sctp"
	Port     int32
}

// NoPort is the placeholder port of objects that have none: it lets address
// records exist while SRV answers (which skip port -1) stay empty.
var NoPort = []Port{{Port: -1}}

// protocol returns the lower-case, shared form of an API protocol name.
func protocol(p string) string {
	switch p {
	case "TCP", "":
		return "tcp"
	case "UDP":
		return "udp"
	case "SCTP":
		return "sctp"
	}
	return intern(lower(p))
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func equalPorts(a, b []Port) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
