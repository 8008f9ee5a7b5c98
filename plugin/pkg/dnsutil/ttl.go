package dnsutil

import (
	"time"

	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/miekg/dns"
)

// TTL bounds used when caching or synthesizing responses.
const (
	// MinimalDefaultTTL is the lowest TTL CoreDNS uses, and the TTL used for
	// responses that carry nothing to take a TTL from.
	MinimalDefaultTTL = 5 * time.Second
	// MaximumDefaultTTL is the highest TTL CoreDNS uses on RRsets.
	MaximumDefaultTTL = 1 * time.Hour
	// MaximumDefaulTTL is the historical (misspelled) name of MaximumDefaultTTL.
	MaximumDefaulTTL = MaximumDefaultTTL
)

// MinimalTTL returns the lowest TTL in m, capped at MaximumDefaultTTL. See
// MinimalTTLWithMaximum.
func MinimalTTL(m *dns.Msg, mt response.Type) time.Duration {
	return MinimalTTLWithMaximum(m, mt, MaximumDefaultTTL)
}

// MinimalTTLWithMaximum returns the lowest TTL found in the answer,
// authority and additional sections of m (OPT excluded), never more than
// maximumTTL. For denials (NXDOMAIN, NODATA) an SOA counts with the smaller
// of its own TTL and its MINIMUM field (RFC 2308, section 5). Responses that
// are not a positive answer or a denial, and messages with no records, get
// MinimalDefaultTTL.
func MinimalTTLWithMaximum(m *dns.Msg, mt response.Type, maximumTTL time.Duration) time.Duration {
	if mt != response.NoError && mt != response.NameError && mt != response.NoData {
		return MinimalDefaultTTL
	}
	if len(m.Answer)+len(m.Ns) == 0 && !hasNonOPT(m.Extra) {
		return MinimalDefaultTTL
	}

	denial := mt == response.NameError || mt == response.NoData
	minTTL := maximumTTL
	for _, section := range [...][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, r := range section {
			hdr := r.Header()
			if hdr.Rrtype == dns.TypeOPT {
				continue
			}
			ttl := hdr.Ttl
			if soa, ok := r.(*dns.SOA); ok && denial && soa.Minttl < ttl {
				ttl = soa.Minttl
			}
			if d := time.Duration(ttl) * time.Second; d < minTTL {
				minTTL = d
			}
		}
	}
	return minTTL
}

func hasNonOPT(rrs []dns.RR) bool {
	for _, r := range rrs {
		if r.Header().Rrtype != dns.TypeOPT {
			return true
		}
	}
	return false
}
