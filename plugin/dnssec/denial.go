package dnssec

import (
	"strings"

	"github.com/miekg/dns"
)

// The types an NSEC black lie claims exist at a name: a set of common types,
// minus the one asked for. The apex gets the apex types as well.
var (
	nameTypes = []uint16{
		dns.TypeA, dns.TypeHINFO, dns.TypeTXT, dns.TypeAAAA, dns.TypeLOC, dns.TypeSRV, dns.TypeCERT,
		dns.TypeSSHFP, dns.TypeRRSIG, dns.TypeNSEC, dns.TypeTLSA, dns.TypeHIP, dns.TypeOPENPGPKEY, dns.TypeSPF,
	}
	apexTypes = []uint16{
		dns.TypeA, dns.TypeNS, dns.TypeSOA, dns.TypeHINFO, dns.TypeMX, dns.TypeTXT, dns.TypeAAAA, dns.TypeLOC,
		dns.TypeSRV, dns.TypeCERT, dns.TypeSSHFP, dns.TypeRRSIG, dns.TypeNSEC, dns.TypeDNSKEY, dns.TypeTLSA,
		dns.TypeHIP, dns.TypeOPENPGPKEY, dns.TypeSPF,
	}
)

// Bitmaps with one type taken out, made once: NSEC records share them.
var (
	nameBitmaps = without(nameTypes)
	apexBitmaps = without(apexTypes)
)

// without returns, for every type in types, types minus that type.
func without(types []uint16) map[uint16][]uint16 {
	m := make(map[uint16][]uint16, len(types))
	for i, t := range types {
		b := make([]uint16, 0, len(types)-1)
		b = append(b, types[:i]...)
		m[t] = append(b, types[i+1:]...)
	}
	return m
}

// bitmap returns the NSEC type bitmap denying qtype at a name; apex selects
// the bitmap of the zone apex.
func bitmap(qtype uint16, apex bool) []uint16 {
	types, filtered := nameTypes, nameBitmaps
	if apex {
		types, filtered = apexTypes, apexBitmaps
	}
	if b, ok := filtered[qtype]; ok {
		return b
	}
	return types
}

// blackLie returns the NSEC record proving that qname has no qtype records,
// whether or not qname exists: its next name is the name right after qname
// in canonical order, so it covers nothing else.
func blackLie(qname, zone string, qtype uint16, ttl uint32) *dns.NSEC {
	next := "\\000." + qname
	if qname == "." {
		next = "\\000."
	}
	return &dns.NSEC{
		Hdr:        dns.RR_Header{Name: qname, Rrtype: dns.TypeNSEC, Class: dns.ClassINET, Ttl: ttl},
		NextDomain: next,
		TypeBitMap: bitmap(qtype, strings.EqualFold(qname, zone)),
	}
}
