package plugin

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/cidr"
	"github.com/coredns/coredns/plugin/pkg/parse"

	"github.com/miekg/dns"
)

// Zones is a list of fully qualified, lowercased zone names.
type Zones []string

// Matches returns the longest zone in z that qname is equal to or below, or
// "" when none matches. qname is expected to be lowercased.
func (z Zones) Matches(qname string) string {
	best := ""
	for _, zone := range z {
		if len(zone) > len(best) && inZone(qname, zone) {
			best = zone
		}
	}
	return best
}

// inZone reports whether name equals zone or lies below it, comparing whole
// labels. Both must be fully qualified.
func inZone(name, zone string) bool {
	if zone == "." {
		return true
	}
	if len(name) < len(zone) || !strings.EqualFold(name[len(name)-len(zone):], zone) {
		return false
	}
	return len(name) == len(zone) || name[len(name)-len(zone)-1] == '.'
}

// Normalize lowercases and fully qualifies every zone in z, in place.
func (z Zones) Normalize() {
	for i := range z {
		z[i] = Name(z[i]).Normalize()
	}
}

// Name is a domain name.
type Name string

// Matches reports whether child is equal to or below n.
func (n Name) Matches(child string) bool {
	if dns.Name(n) == dns.Name(child) {
		return true
	}
	return dns.IsSubDomain(string(n), child)
}

// Normalize returns n lowercased and fully qualified.
func (n Name) Normalize() string { return strings.ToLower(dns.Fqdn(string(n))) }

// Host is a server block key or zone argument: an optional transport prefix,
// a name or CIDR, and an optional port.
type Host string

// Normalize returns the first zone Host stands for (see NormalizeExact), or
// "" when it is not valid.
func (h Host) Normalize() string {
	s, _ := h.MustNormalize()
	return s
}

// MustNormalize is like Normalize but returns an error for an invalid host.
func (h Host) MustNormalize() (string, error) {
	zones := h.NormalizeExact()
	if len(zones) == 0 {
		return "", fmt.Errorf("invalid host or zone %q", string(h))
	}
	return zones[0], nil
}

// NormalizeExact returns every zone Host stands for: one zone for a name, and
// the covering reverse zones for a CIDR such as 10.0.0.0/15.
func (h Host) NormalizeExact() []string {
	_, rest := parse.Transport(string(h))
	hosts, _, err := SplitHostPort(rest)
	if err != nil {
		return nil
	}
	for i := range hosts {
		hosts[i] = Name(hosts[i]).Normalize()
	}
	return hosts
}

// SplitHostPort splits s into host and port. A host written as a CIDR is
// returned as its reverse zones, split on octet (IPv4) or nibble (IPv6)
// boundaries. The port is "" when s has none.
func SplitHostPort(s string) (hosts []string, port string, err error) {
	if s == "" {
		return nil, "", fmt.Errorf("empty zone")
	}
	if slash := strings.IndexByte(s, '/'); slash >= 0 {
		return splitCIDRPort(s, slash)
	}
	host := s
	if h, p, perr := net.SplitHostPort(s); perr == nil {
		host, port = h, p
	}
	if port != "" {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			return nil, "", fmt.Errorf("invalid port %q in %q", port, s)
		}
	}
	if host == "" {
		host = "."
	}
	if _, ok := dns.IsDomainName(host); !ok {
		return nil, "", fmt.Errorf("invalid zone %q", host)
	}
	return []string{host}, port, nil
}

// splitCIDRPort handles "10.0.0.0/8" and "fd00::/8:1053" style keys.
func splitCIDRPort(s string, slash int) ([]string, string, error) {
	addr, rest := s[:slash], s[slash+1:]
	bits, port := rest, ""
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		bits, port = rest[:i], rest[i+1:]
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return nil, "", fmt.Errorf("invalid port %q in %q", port, s)
		}
	}
	_, n, err := net.ParseCIDR(addr + "/" + bits)
	if err != nil {
		return nil, "", fmt.Errorf("invalid CIDR %q: %w", addr+"/"+bits, err)
	}
	return cidr.Reverse(cidr.Split(n)), port, nil
}

// OriginsFromArgsOrServerBlock returns the zones a plugin is configured for:
// the normalized args when given, otherwise the server block's zones.
func OriginsFromArgsOrServerBlock(args, serverblock []string) []string {
	if len(args) == 0 {
		origins := make([]string, 0, len(serverblock))
		for _, key := range serverblock {
			origins = append(origins, Host(key).NormalizeExact()...)
		}
		return origins
	}
	origins := []string{}
	for _, a := range args {
		origins = append(origins, Host(a).NormalizeExact()...)
	}
	return origins
}
