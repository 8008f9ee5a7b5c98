package sign

import (
	"errors"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

// node is a name of the zone with its records.
type node struct {
	name       string
	rrs        []dns.RR
	delegation bool // a zone cut: only DS and NSEC are authoritative
	glue       bool // below a zone cut: not signed, not in the NSEC chain
}

// signZone returns the zone of origin made from rrs, signed by keys: the
// SOA serial set to serial, old DNSSEC records dropped, DNSKEY, CDNSKEY and
// CDS records for the keys added at the apex, an NSEC chain over the
// authoritative names and an RRSIG by every key over every authoritative
// RRset. The SOA comes first, then all records in canonical order.
func signZone(origin string, rrs []dns.RR, keys []Pair, serial, incep, expir uint32) ([]dns.RR, error) {
	if len(keys) == 0 {
		return nil, errors.New("no keys to sign with")
	}
	zone, soa, err := prepare(origin, rrs, serial)
	if err != nil {
		return nil, err
	}
	zone = append(zone, apexKeys(origin, soa.Hdr.Ttl, keys)...)
	sortRRs(zone)
	nodes := group(origin, zone)
	addNSEC(nodes, soa.Minttl)

	out := make([]dns.RR, 0, 2*len(zone))
	out = append(out, soa)
	for _, n := range nodes {
		for _, set := range rrsets(n.rrs) {
			for _, rr := range set {
				if rr != dns.RR(soa) {
					out = append(out, rr)
				}
			}
			if n.glue || (n.delegation && !authoritativeAtCut(set[0].Header().Rrtype)) {
				continue
			}
			for _, k := range keys {
				sig := &dns.RRSIG{
					Hdr:        dns.RR_Header{Ttl: set[0].Header().Ttl},
					Algorithm:  k.Public.Algorithm,
					KeyTag:     k.KeyTag,
					SignerName: origin,
					Inception:  incep,
					Expiration: expir,
				}
				if err := sig.Sign(k.Private, set); err != nil {
					return nil, err
				}
				if set[0].Header().Rrtype == dns.TypeSOA {
					out = append(out[:1], append([]dns.RR{sig}, out[1:]...)...)
					continue
				}
				out = append(out, sig)
			}
		}
	}
	return out, nil
}

// prepare drops the DNSSEC records that signing replaces and duplicates,
// and sets the SOA serial. It returns the remaining records and the SOA.
func prepare(origin string, rrs []dns.RR, serial uint32) ([]dns.RR, *dns.SOA, error) {
	var soa *dns.SOA
	seen := make(map[string]bool, len(rrs))
	zone := make([]dns.RR, 0, len(rrs)+4)
	for _, rr := range rrs {
		h := rr.Header()
		apex := strings.EqualFold(h.Name, origin)
		switch h.Rrtype {
		case dns.TypeRRSIG, dns.TypeNSEC, dns.TypeNSEC3, dns.TypeNSEC3PARAM:
			continue
		case dns.TypeDNSKEY, dns.TypeCDS, dns.TypeCDNSKEY:
			if apex {
				continue
			}
		case dns.TypeSOA:
			if !apex {
				continue
			}
			if soa != nil {
				return nil, nil, errors.New("more than one SOA record for " + origin)
			}
			soa = dns.Copy(rr).(*dns.SOA)
			soa.Serial = serial
			rr = soa
		}
		// Duplicates (same owner, type and data) would break the RRsets.
		k := strings.ToLower(h.Name) + " " + dns.TypeToString[h.Rrtype] + " " + rdataString(rr)
		if seen[k] {
			continue
		}
		seen[k] = true
		zone = append(zone, rr)
	}
	if soa == nil {
		return nil, nil, errors.New("no SOA record for " + origin)
	}
	return zone, soa, nil
}

// rdataString returns the presentation form of rr's data.
func rdataString(rr dns.RR) string {
	s := rr.String()
	return strings.TrimPrefix(s, rr.Header().String())
}

// apexKeys returns the DNSKEY, CDNSKEY and CDS records (SHA-1 and SHA-256)
// for keys, owned by origin with TTL ttl.
func apexKeys(origin string, ttl uint32, keys []Pair) []dns.RR {
	hdr := func(t uint16) dns.RR_Header {
		return dns.RR_Header{Name: origin, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
	}
	var rrs []dns.RR
	for _, k := range keys {
		key := *k.Public
		key.Hdr = hdr(dns.TypeDNSKEY)
		rrs = append(rrs, &key)

		cdnskey := key.ToCDNSKEY()
		cdnskey.Hdr = hdr(dns.TypeCDNSKEY)
		rrs = append(rrs, cdnskey)

		for _, digest := range []uint8{dns.SHA1, dns.SHA256} {
			ds := key.ToDS(digest)
			if ds == nil {
				continue
			}
			cds := ds.ToCDS()
			cds.Hdr = hdr(dns.TypeCDS)
			rrs = append(rrs, cds)
		}
	}
	return rrs
}

// group splits canonically sorted records into nodes and marks zone cuts
// and the names below them.
func group(origin string, rrs []dns.RR) []*node {
	var nodes []*node
	for _, rr := range rrs {
		name := rr.Header().Name
		if len(nodes) == 0 || !strings.EqualFold(nodes[len(nodes)-1].name, name) {
			nodes = append(nodes, &node{name: name})
		}
		n := nodes[len(nodes)-1]
		n.rrs = append(n.rrs, rr)
	}
	cut := ""
	for _, n := range nodes {
		if cut != "" && dns.IsSubDomain(cut, n.name) {
			n.glue = true
			continue
		}
		cut = ""
		if strings.EqualFold(n.name, origin) {
			continue
		}
		for _, rr := range n.rrs {
			if rr.Header().Rrtype == dns.TypeNS {
				n.delegation = true
				cut = n.name
				break
			}
		}
	}
	return nodes
}

// authoritativeAtCut reports whether an RRset of type t at a zone cut
// belongs to the parent and is signed there.
func authoritativeAtCut(t uint16) bool { return t == dns.TypeDS || t == dns.TypeNSEC }

// addNSEC links the authoritative names with NSEC records of TTL ttl.
func addNSEC(nodes []*node, ttl uint32) {
	var chain []*node
	for _, n := range nodes {
		if !n.glue {
			chain = append(chain, n)
		}
	}
	for i, n := range chain {
		next := chain[(i+1)%len(chain)].name
		nsec := &dns.NSEC{
			Hdr:        dns.RR_Header{Name: n.name, Rrtype: dns.TypeNSEC, Class: dns.ClassINET, Ttl: ttl},
			NextDomain: next,
			TypeBitMap: typeBitmap(n),
		}
		n.rrs = append(n.rrs, nsec)
	}
}

// typeBitmap returns the types present at n, plus NSEC and RRSIG. At a
// zone cut only the types the parent is authoritative for count.
func typeBitmap(n *node) []uint16 {
	types := []uint16{dns.TypeNSEC, dns.TypeRRSIG}
	for _, rr := range n.rrs {
		t := rr.Header().Rrtype
		if n.delegation && t != dns.TypeNS && t != dns.TypeDS {
			continue
		}
		if !containsType(types, t) {
			types = append(types, t)
		}
	}
	sort.Slice(types, func(i, j int) bool { return types[i] < types[j] })
	return types
}

func containsType(types []uint16, t uint16) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

// rrsets splits the records of one name into RRsets, in order of type.
func rrsets(rrs []dns.RR) [][]dns.RR {
	sorted := make([]dns.RR, len(rrs))
	copy(sorted, rrs)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Header().Rrtype < sorted[j].Header().Rrtype })
	var sets [][]dns.RR
	for _, rr := range sorted {
		if len(sets) > 0 && sets[len(sets)-1][0].Header().Rrtype == rr.Header().Rrtype {
			sets[len(sets)-1] = append(sets[len(sets)-1], rr)
			continue
		}
		sets = append(sets, []dns.RR{rr})
	}
	return sets
}
