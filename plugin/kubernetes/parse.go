package kubernetes

import (
	"errors"
	"strings"
)

// Kinds of names below a cluster zone.
const (
	Svc = "svc"
	Pod = "pod"
)

var (
	errNoItems        = errors.New("no items found")
	errNsNotExposed   = errors.New("namespace is not exposed")
	errInvalidRequest = errors.New("invalid query name")
)

// recordRequest is a query name taken apart:
// [endpoint.[cluster.]|_port._protocol.]service.namespace.(svc|pod).zone
type recordRequest struct {
	port      string
	protocol  string
	endpoint  string
	cluster   string // multicluster: the source cluster of endpoint
	service   string
	namespace string
	podOrSvc  string // "svc", "pod", or "" for the names above namespaces
}

// maxLabels is the most labels a valid name has below the zone.
const maxLabels = 6

// parseRequest splits name (lower case, in zone) into its parts. In a
// multicluster zone two labels in front of the service are endpoint and
// cluster unless both start with an underscore.
func parseRequest(name, zone string, multicluster bool) (r recordRequest, err error) {
	if len(name) <= len(zone) {
		return r, nil
	}
	base := name[:len(name)-len(zone)-1]
	if base == Svc || base == Pod {
		return r, nil
	}

	var segs [maxLabels]string
	n := 0
	for base != "" {
		if n == maxLabels {
			return r, errInvalidRequest
		}
		i := strings.LastIndexByte(base, '.')
		segs[n] = base[i+1:]
		n++
		if i < 0 {
			break
		}
		base = base[:i]
	}
	// segs holds the labels from the right.
	r.podOrSvc = segs[0]
	if r.podOrSvc != Svc && r.podOrSvc != Pod {
		return r, errInvalidRequest
	}
	if n > 1 {
		r.namespace = segs[1]
	}
	if n > 2 {
		r.service = segs[2]
	}
	switch n {
	case 0, 1, 2, 3:
	case 4:
		r.endpoint = segs[3]
	case 5:
		if multicluster && (!strings.HasPrefix(segs[3], "_") || !strings.HasPrefix(segs[4], "_")) {
			r.cluster = segs[3]
			r.endpoint = segs[4]
			break
		}
		r.protocol = stripUnderscore(segs[3])
		r.port = stripUnderscore(segs[4])
	default:
		return r, errInvalidRequest
	}
	return r, nil
}

// stripUnderscore removes the leading underscore of port and protocol labels.
func stripUnderscore(s string) string {
	if s != "" && s[0] == '_' {
		return s[1:]
	}
	return s
}

// match reports whether the query label a names the value b. There are no
// wildcards: "*" and "any" are names like any other.
func match(a, b string) bool { return strings.EqualFold(a, b) }

// matchPortAndProtocol reports whether the port and protocol labels of a
// query (empty when absent, which selects every port) select a port.
func matchPortAndProtocol(port, name, protocol, proto string) bool {
	return (port == "" || match(port, name)) && (protocol == "" || match(protocol, proto))
}
