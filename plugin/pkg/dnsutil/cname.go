package dnsutil

import "github.com/miekg/dns"

// DuplicateCNAME reports whether records already holds a CNAME pointing to
// the same target as r.
func DuplicateCNAME(r *dns.CNAME, records []dns.RR) bool {
	for _, rec := range records {
		if c, ok := rec.(*dns.CNAME); ok && c.Target == r.Target {
			return true
		}
	}
	return false
}
