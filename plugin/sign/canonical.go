package sign

import (
	"bytes"
	"strings"

	"github.com/miekg/dns"
)

// canonicalKey returns a key for name that sorts in canonical DNS order
// (RFC 4034, section 6.1) under bytes.Compare: the labels from the root down,
// lowercased, each followed by a zero byte (which sorts a name before every
// name below it).
func canonicalKey(name string) []byte {
	buf := make([]byte, 256)
	n, err := dns.PackDomainName(dns.CanonicalName(name), buf, 0, nil, false)
	if err != nil {
		return []byte(strings.ToLower(name))
	}
	wire := buf[:n]
	var labels [][]byte
	for i := 0; i < len(wire) && wire[i] != 0; {
		l := int(wire[i])
		labels = append(labels, wire[i+1:i+1+l])
		i += l + 1
	}
	key := make([]byte, 0, n+len(labels))
	for i := len(labels) - 1; i >= 0; i-- {
		// A label may contain a zero byte itself; escape it so the
		// separator still sorts first.
		for _, c := range labels[i] {
			if c <= 1 {
				key = append(key, 1)
			}
			key = append(key, c)
		}
		key = append(key, 0)
	}
	return key
}

// canonicalLess reports whether a sorts before b in canonical order.
func canonicalLess(a, b []byte) bool { return bytes.Compare(a, b) < 0 }
