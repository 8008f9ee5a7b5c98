package file

import (
	"context"
	"unsafe"

	"github.com/coredns/coredns/plugin/file/tree"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Result is the kind of answer Lookup found.
type Result int

const (
	// Success is a positive answer (possibly without records of the
	// asked type at the end of a CNAME chain).
	Success Result = iota
	// NameError means the name does not exist: NXDOMAIN.
	NameError
	// Delegation is a referral to the servers of a child zone.
	Delegation
	// NoData means the name exists but has no records of the asked type.
	NoData
	// ServerFailure means no answer could be given.
	ServerFailure
)

// maxChase is how many CNAMEs after the first a chain may have before the
// lookup stops following it (and answers with what it has).
const maxChase = 8

// lookup holds what one query needs on its way through the zone.
type lookup struct {
	ctx    context.Context
	state  request.Request
	z      *Zone
	tr     *tree.Tree
	ap     Apex
	idx    cutIndex
	soaRRs []dns.RR
	qtype  uint16
	do     bool
}

// Lookup answers qname with the query type and DO bit of state. It returns
// the answer, authority and additional sections and the kind of result.
// The returned slices may be shared with the zone and must not be modified.
func (z *Zone) Lookup(ctx context.Context, state request.Request, qname string) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	l := lookup{ctx: ctx, state: state, z: z}
	z.RLock()
	l.tr, l.ap, l.idx, l.soaRRs = z.Tree, z.Apex, z.idx, z.soaRRs
	z.RUnlock()
	if l.ap.SOA == nil || l.tr == nil {
		return nil, nil, nil, ServerFailure
	}
	l.qtype, l.do = state.QType(), state.Do()
	return l.find(qname)
}

func (l *lookup) find(qname string) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	if qname == l.z.origin {
		switch l.qtype {
		case dns.TypeSOA:
			return l.soa(), l.ap.ns(l.do), nil, Success
		case dns.TypeNS:
			return l.ap.ns(l.do), nil, l.tr.Glue(l.ap.NS, l.do), Success
		}
	}
	if answer, ns, extra, res, ok := l.atCut(qname); ok {
		return answer, ns, extra, res
	}
	if elem, ok := l.tr.Search(qname); ok {
		return l.exact(elem)
	}
	if qname == l.z.origin {
		// The apex exists even when it holds nothing but SOA and NS.
		return nil, l.soa(), nil, NoData
	}
	return l.missing(qname)
}

// atCut checks the ancestors of qname, from the apex down, for a DNAME to
// apply or a delegation to refer to. ok is false when there is none.
func (l *lookup) atCut(qname string) (answer, ns, extra []dns.RR, res Result, ok bool) {
	indexed := l.idx.tree == l.tr
	if indexed && len(l.idx.cuts) == 0 {
		return nil, nil, nil, Success, false
	}
	origin := l.z.origin
	var offs [128]int // label starts of qname down to the origin
	n := 0
	for off := 0; n < len(offs) && len(qname)-off >= len(origin); n++ {
		offs[n] = off
		next, end := dns.NextLabel(qname, off)
		if end {
			n++
			break
		}
		off = next
	}
	for i := n - 1; i >= 0; i-- {
		name := qname[offs[i]:]
		if indexed {
			if _, cut := l.idx.cuts[name]; !cut {
				continue
			}
		}
		elem, found := l.tr.Search(name)
		if !found {
			continue
		}
		if i > 0 {
			if dn := elem.Type(dns.TypeDNAME); len(dn) > 0 {
				if answer, ns, extra, res, ok = l.dname(qname, elem, dn); ok {
					return answer, ns, extra, res, true
				}
			}
		}
		if name == origin {
			continue
		}
		if nsrrs := elem.Type(dns.TypeNS); len(nsrrs) > 0 {
			if i == 0 && l.qtype == dns.TypeDS {
				// The DS of a child lives on the parent side of the cut.
				continue
			}
			return nil, l.referral(elem, nsrrs), l.tr.Glue(nsrrs, l.do), Delegation, true
		}
	}
	return nil, nil, nil, Success, false
}

// dname answers qname, which lies below the owner of a DNAME, with the
// DNAME, a CNAME synthesized from it (RFC 6672) and what that CNAME leads to.
func (l *lookup) dname(qname string, elem *tree.Elem, dn []dns.RR) ([]dns.RR, []dns.RR, []dns.RR, Result, bool) {
	d, ok := dn[0].(*dns.DNAME)
	if !ok {
		return nil, nil, nil, Success, false
	}
	target := qname[:len(qname)-len(d.Hdr.Name)] + d.Target
	if _, ok := dns.IsDomainName(target); !ok {
		return nil, nil, nil, Success, false
	}
	cname := &dns.CNAME{
		Hdr:    dns.RR_Header{Name: qname, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: d.Hdr.Ttl},
		Target: target,
	}
	answer := make([]dns.RR, 0, len(dn)+4)
	answer = append(answer, dn...)
	answer = l.appendSigs(answer, elem, dns.TypeDNAME)
	answer = append(answer, cname)
	if l.qtype == dns.TypeCNAME {
		return answer, l.ap.ns(l.do), nil, Success, true
	}
	a, ns, extra, res := l.chase(answer, target)
	return a, ns, extra, res, true
}

// referral returns the authority section of a delegation to elem.
func (l *lookup) referral(elem *tree.Elem, nsrrs []dns.RR) []dns.RR {
	if !l.do {
		return nsrrs
	}
	ns := make([]dns.RR, 0, len(nsrrs)+2)
	ns = append(ns, nsrrs...)
	if ds := elem.Type(dns.TypeDS); len(ds) > 0 {
		ns = append(ns, ds...)
		return l.appendSigs(ns, elem, dns.TypeDS)
	}
	// No DS: the NSEC of the cut proves the child is unsigned.
	return l.appendNSEC(ns, elem)
}

// exact answers from elem, which has the query name as owner.
func (l *lookup) exact(elem *tree.Elem) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	if l.qtype != dns.TypeCNAME {
		if cn := elem.Type(dns.TypeCNAME); len(cn) > 0 {
			answer := make([]dns.RR, 0, len(cn)+4)
			answer = append(answer, cn...)
			answer = l.appendSigs(answer, elem, dns.TypeCNAME)
			return l.chase(answer, cn[0].(*dns.CNAME).Target)
		}
	}
	rrs := elem.Type(l.qtype)
	if len(rrs) == 0 {
		ns := l.soa()
		if l.do {
			ns = l.appendNSEC(clone(ns, 2), elem)
		}
		return nil, ns, nil, NoData
	}
	var extra []dns.RR
	if l.qtype == dns.TypeMX || l.qtype == dns.TypeSRV {
		extra = l.additional(rrs)
	}
	if l.do {
		if sigs := elem.Type(dns.TypeRRSIG); len(sigs) > 0 {
			rrs = l.appendSigs(clone(rrs, len(sigs)), elem, l.qtype)
		}
	}
	return rrs, l.ap.ns(l.do), extra, Success
}

// chase follows the CNAME chain that answer ends with (its last target is
// target) through the zone, and through the server for names the zone
// does not hold.
func (l *lookup) chase(answer []dns.RR, target string) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	for hops := 0; ; hops++ {
		if target == l.z.origin && (l.qtype == dns.TypeSOA || l.qtype == dns.TypeNS) {
			// SOA and NS of the apex are not in the tree.
			if l.qtype == dns.TypeSOA {
				answer = append(answer, l.soa()...)
			} else {
				answer = append(answer, l.ap.ns(l.do)...)
			}
			return answer, l.ap.ns(l.do), nil, Success
		}
		elem, ok := l.tr.Search(target)
		if !ok {
			return l.external(answer, target)
		}
		if hops > maxChase {
			return answer, l.ap.ns(l.do), nil, Success
		}
		cn := elem.Type(dns.TypeCNAME)
		if len(cn) == 0 {
			answer = append(answer, elem.Type(l.qtype)...)
			answer = l.appendSigs(answer, elem, l.qtype)
			return answer, l.ap.ns(l.do), nil, Success
		}
		answer = append(answer, cn...)
		answer = l.appendSigs(answer, elem, dns.TypeCNAME)
		target = cn[0].(*dns.CNAME).Target
	}
}

// soa returns the SOA (and its signatures when DO is set).
func (l *lookup) soa() []dns.RR { return l.ap.soa(l.do, l.soaRRs) }

// appendSigs appends the RRSIGs of elem that cover typ, when DO is set.
func (l *lookup) appendSigs(dst []dns.RR, elem *tree.Elem, typ uint16) []dns.RR {
	if !l.do {
		return dst
	}
	for _, rr := range elem.Type(dns.TypeRRSIG) {
		if sig, ok := rr.(*dns.RRSIG); ok && sig.TypeCovered == typ {
			dst = append(dst, rr)
		}
	}
	return dst
}

// appendNSEC appends the NSEC records of elem and their signatures.
func (l *lookup) appendNSEC(dst []dns.RR, elem *tree.Elem) []dns.RR {
	dst = append(dst, elem.Type(dns.TypeNSEC)...)
	return l.appendSigs(dst, elem, dns.TypeNSEC)
}

// additional returns the addresses of the in-zone targets of MX and SRV
// records.
func (l *lookup) additional(rrs []dns.RR) []dns.RR {
	var extra []dns.RR
	for _, rr := range rrs {
		var name string
		switch x := rr.(type) {
		case *dns.MX:
			name = x.Mx
		case *dns.SRV:
			name = x.Target
		}
		if name == "" || !dns.IsSubDomain(l.z.origin, name) {
			continue
		}
		elem, ok := l.tr.Search(name)
		if !ok {
			continue
		}
		for _, typ := range [...]uint16{dns.TypeA, dns.TypeAAAA} {
			if a := elem.Type(typ); len(a) > 0 {
				extra = append(extra, a...)
				extra = l.appendSigs(extra, elem, typ)
			}
		}
	}
	return extra
}

// clone copies rrs into a new slice with room for extra more records.
func clone(rrs []dns.RR, extra int) []dns.RR {
	c := make([]dns.RR, len(rrs), len(rrs)+extra)
	copy(c, rrs)
	return c
}

// stackString views b as a string without copying; b must not change while
// the string is in use.
func stackString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
