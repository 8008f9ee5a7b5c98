package dnsutil

import (
	"fmt"

	"github.com/miekg/dns"
)

// TrimZone removes the zone z from q, returning the labels in front of it
// without the separating dot: TrimZone("a.b.example.org.", "example.org.")
// is "a.b". It is an error if q is not strictly below z.
func TrimZone(q string, z string) (string, error) {
	if !dns.IsSubDomain(z, q) {
		return "", fmt.Errorf("trimzone: %q is not in zone %q", q, z)
	}
	i, end := dns.PrevLabel(q, dns.CountLabel(z))
	if end || i < 1 {
		return "", fmt.Errorf("trimzone: %q has no labels below zone %q", q, z)
	}
	return q[:i-1], nil
}
