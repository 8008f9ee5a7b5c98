// Package msg holds the Service type that backend plugins (etcd, kubernetes)
// store and return, and the helpers that turn a Service into DNS records.
package msg

import (
	"net"
	"strings"

	"github.com/miekg/dns"
)

// Service is one entry of a backend: an address or a name, optionally with the
// SRV/MX data and text that belongs to it. It is stored as JSON in etcd.
type Service struct {
	Host     string `json:"host,omitempty"`
	Port     int    `json:"port,omitempty"`
	Priority int    `json:"priority,omitempty"`
	Weight   int    `json:"weight,omitempty"`
	Text     string `json:"text,omitempty"`
	Mail     bool   `json:"mail,omitempty"` // Mail marks the service as usable for MX records.
	TTL      uint32 `json:"ttl,omitempty"`

	// TargetStrip removes this many labels from the left of the target of
	// SRV, MX and NS records.
	TargetStrip int `json:"targetstrip,omitempty"`

	// Group limits which services are returned together; see Group.
	Group string `json:"group,omitempty"`

	// Key is the backend key the service was read from; it is not stored.
	Key string `json:"-"`
}

func (s *Service) header(name string, rrtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: rrtype, Class: dns.ClassINET, Ttl: s.TTL}
}

// target returns Host fully qualified with TargetStrip labels removed.
func (s *Service) target() string {
	host := dns.Fqdn(s.Host)
	if s.TargetStrip > 0 {
		host = stripLabels(host, s.TargetStrip)
	}
	return host
}

// NewSRV returns an SRV record for name pointing at the service's host.
func (s *Service) NewSRV(name string, weight uint16) *dns.SRV {
	return &dns.SRV{Hdr: s.header(name, dns.TypeSRV), Priority: uint16(s.Priority), Weight: weight, Port: uint16(s.Port), Target: s.target()}
}

// NewMX returns an MX record for name; the preference is the service's priority.
func (s *Service) NewMX(name string) *dns.MX {
	return &dns.MX{Hdr: s.header(name, dns.TypeMX), Preference: uint16(s.Priority), Mx: s.target()}
}

// NewA returns an A record for name with address ip.
func (s *Service) NewA(name string, ip net.IP) *dns.A {
	return &dns.A{Hdr: s.header(name, dns.TypeA), A: ip}
}

// NewAAAA returns an AAAA record for name with address ip.
func (s *Service) NewAAAA(name string, ip net.IP) *dns.AAAA {
	return &dns.AAAA{Hdr: s.header(name, dns.TypeAAAA), AAAA: ip}
}

// NewCNAME returns a CNAME record from name to target.
func (s *Service) NewCNAME(name string, target string) *dns.CNAME {
	return &dns.CNAME{Hdr: s.header(name, dns.TypeCNAME), Target: dns.Fqdn(target)}
}

// NewTXT returns a TXT record for name holding the service's text, cut into
// strings of at most 255 bytes.
func (s *Service) NewTXT(name string) *dns.TXT {
	return &dns.TXT{Hdr: s.header(name, dns.TypeTXT), Txt: chunk255(s.Text)}
}

// NewPTR returns a PTR record from name to target.
func (s *Service) NewPTR(name string, target string) *dns.PTR {
	return &dns.PTR{Hdr: s.header(name, dns.TypePTR), Ptr: dns.Fqdn(target)}
}

// NewNS returns an NS record for name naming the service's host.
func (s *Service) NewNS(name string) *dns.NS {
	return &dns.NS{Hdr: s.header(name, dns.TypeNS), Ns: s.target()}
}

// HostType tells what the service's Host is: dns.TypeA or dns.TypeAAAA with
// the address in its canonical length for an IP, dns.TypeTXT for a
// non-address host with text, and dns.TypeCNAME for any other name.
func (s *Service) HostType() (what uint16, normalized net.IP) {
	ip := net.ParseIP(s.Host)
	if ip == nil {
		if s.Text != "" {
			return dns.TypeTXT, nil
		}
		return dns.TypeCNAME, nil
	}
	if ip4 := ip.To4(); ip4 != nil {
		return dns.TypeA, ip4
	}
	return dns.TypeAAAA, ip.To16()
}

// Group filters sx by the group of its least deeply nested keys. The Group of
// the service with the fewest path elements sets the group (when several share
// that depth they must agree, or sx is returned unfiltered); the result holds
// the services of that group plus those without a group. Without a group sx is
// returned as is.
func Group(sx []Service) []Service {
	if len(sx) == 0 {
		return sx
	}
	group := sx[0].Group
	depth := strings.Count(sx[0].Key, "/")
	depths := make([]int, len(sx))
	for i := range sx {
		d := strings.Count(sx[i].Key, "/")
		depths[i] = d
		if d < depth {
			if sx[i].Group == "" {
				break
			}
			depth, group = d, sx[i].Group
		}
	}
	if group == "" {
		return sx
	}
	out := make([]Service, 0, len(sx))
	for i := range sx {
		switch {
		case sx[i].Group == "":
			out = append(out, sx[i])
		case depths[i] == depth && sx[i].Group != group:
			return sx // conflicting groups at the top level: no grouping
		case sx[i].Group == group:
			out = append(out, sx[i])
		}
	}
	return out
}

// chunk255 cuts s into strings of at most 255 bytes, the limit of one
// character-string in a TXT record. Like CoreDNS, a text whose length is a
// non-zero multiple of 255 ends in an empty string.
func chunk255(s string) []string {
	if len(s) < 255 {
		return []string{s}
	}
	parts := make([]string, 0, len(s)/255+1)
	for len(s) >= 255 {
		parts = append(parts, s[:255])
		s = s[255:]
	}
	return append(parts, s)
}

// stripLabels removes n labels from the left of the fully qualified name;
// when name has no more than n labels it is returned unchanged.
func stripLabels(name string, n int) string {
	off, end := 0, false
	for range n {
		off, end = dns.NextLabel(name, off)
	}
	if end {
		return name
	}
	return name[off:]
}
