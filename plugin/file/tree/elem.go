package tree

import (
	"slices"

	"github.com/miekg/dns"
)

// Elem holds the RRs of one owner name, grouped by type.
type Elem struct {
	m    map[uint16][]dns.RR
	name string // owner name as first inserted
	key  string // canonical sort key of name
}

// newElem returns an Elem holding rr.
func newElem(rr dns.RR) *Elem {
	name := rr.Header().Name
	e := &Elem{m: make(map[uint16][]dns.RR, 2), name: name, key: key(name)}
	e.m[rr.Header().Rrtype] = []dns.RR{rr}
	return e
}

// Types returns the types present at this name, in ascending order.
func (e *Elem) Types() []uint16 {
	t := make([]uint16, 0, len(e.m))
	for typ := range e.m {
		t = append(t, typ)
	}
	slices.Sort(t)
	return t
}

// Type returns the RRs of type qtype. The slice is shared with the tree and
// must not be modified.
func (e *Elem) Type(qtype uint16) []dns.RR { return e.m[qtype] }

// TypeForWildcard returns copies of the RRs of type qtype with their owner
// name set to qname, as needed to answer from a wildcard.
func (e *Elem) TypeForWildcard(qtype uint16, qname string) []dns.RR {
	rrs := e.m[qtype]
	if rrs == nil {
		return nil
	}
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = withOwner(rr, qname)
	}
	return out
}

// withOwner returns a copy of rr owned by name. Common types are copied
// shallowly, sharing their RDATA with rr, which is never modified.
func withOwner(rr dns.RR, name string) dns.RR {
	var c dns.RR
	switch x := rr.(type) {
	case *dns.A:
		y := *x
		c = &y
	case *dns.AAAA:
		y := *x
		c = &y
	case *dns.CNAME:
		y := *x
		c = &y
	case *dns.TXT:
		y := *x
		c = &y
	case *dns.MX:
		y := *x
		c = &y
	case *dns.SRV:
		y := *x
		c = &y
	case *dns.RRSIG:
		y := *x
		c = &y
	default:
		c = dns.Copy(rr)
	}
	c.Header().Name = name
	return c
}

// All returns every RR at this name, ordered by type.
func (e *Elem) All() []dns.RR {
	n := 0
	for _, rrs := range e.m {
		n += len(rrs)
	}
	all := make([]dns.RR, 0, n)
	for _, t := range e.Types() {
		all = append(all, e.m[t]...)
	}
	return all
}

// Name returns the owner name of the Elem.
func (e *Elem) Name() string { return e.name }

// Empty reports whether the Elem holds no RRs.
func (e *Elem) Empty() bool { return len(e.m) == 0 }

// Insert adds rr, unless an RR with the same data (TTL aside) is present.
func (e *Elem) Insert(rr dns.RR) {
	if e.m == nil {
		e.m = make(map[uint16][]dns.RR, 2)
	}
	t := rr.Header().Rrtype
	rrs := e.m[t]
	for _, have := range rrs {
		if dns.IsDuplicate(have, rr) {
			return
		}
	}
	// Appending never changes the RRs a reader of the old slice can see.
	e.m[t] = append(rrs, rr)
}

// Delete removes all RRs of the type of rr.
func (e *Elem) Delete(rr dns.RR) {
	if e.m == nil {
		return
	}
	delete(e.m, rr.Header().Rrtype)
}
