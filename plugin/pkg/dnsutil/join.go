package dnsutil

import "strings"

// Join joins labels (or multi-label names) into a fully qualified domain
// name. Trailing dots on the parts and parts that are just "." are ignored,
// so Join("www", "example.org.") and Join("www.example.org", ".") both give
// "www.example.org.". Joining nothing yields the root ".".
func Join(labels ...string) string {
	var b strings.Builder
	for _, l := range labels {
		l = strings.TrimSuffix(l, ".")
		if l == "" {
			continue
		}
		b.WriteString(l)
		b.WriteByte('.')
	}
	if b.Len() == 0 {
		return "."
	}
	return b.String()
}
