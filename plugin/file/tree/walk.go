package tree

import (
	"fmt"

	"github.com/miekg/dns"
)

// Walk calls fn for every Elem in canonical order and stops at the first
// error fn returns.
func (t *Tree) Walk(fn func(*Elem, map[uint16][]dns.RR) error) error {
	return t.Root.walk(func(e *Elem) error { return fn(e, e.m) })
}

// AuthWalk is Walk that also tells fn whether the name is authoritative
// data: false for names below a delegation (an Elem with NS records), such
// as glue. The delegation point itself counts as authoritative.
func (t *Tree) AuthWalk(fn func(*Elem, map[uint16][]dns.RR, bool) error) error {
	cut := ""
	return t.Root.walk(func(e *Elem) error {
		// Canonical order puts every name below a cut right after it.
		if cut != "" && e.name != cut && dns.IsSubDomain(cut, e.name) {
			return fn(e, e.m, false)
		}
		cut = ""
		if e.m[dns.TypeNS] != nil {
			cut = e.name
		}
		return fn(e, e.m, true)
	})
}

// All returns every Elem in canonical order.
func (t *Tree) All() []*Elem {
	all := make([]*Elem, 0, t.Count)
	t.Root.walk(func(e *Elem) error { //nolint:errcheck // fn never fails
		all = append(all, e)
		return nil
	})
	return all
}

func (n *Node) walk(fn func(*Elem) error) error {
	for n != nil {
		if err := n.Left.walk(fn); err != nil {
			return err
		}
		if err := fn(n.Elem); err != nil {
			return err
		}
		n = n.Right
	}
	return nil
}

// Glue returns the A and AAAA records (with their signatures when do is
// true) of the name servers in nsrrs that lie below the name they serve.
func (t *Tree) Glue(nsrrs []dns.RR, do bool) []dns.RR {
	var glue []dns.RR
	for _, rr := range nsrrs {
		ns, ok := rr.(*dns.NS)
		if !ok || !dns.IsSubDomain(ns.Hdr.Name, ns.Ns) {
			continue
		}
		e, ok := t.Search(ns.Ns)
		if !ok {
			continue
		}
		for _, typ := range [...]uint16{dns.TypeA, dns.TypeAAAA} {
			rrs := e.m[typ]
			if len(rrs) == 0 {
				continue
			}
			glue = append(glue, rrs...)
			if do {
				glue = appendSigs(glue, e.m[dns.TypeRRSIG], typ)
			}
		}
	}
	return glue
}

// appendSigs appends the RRSIGs in sigs that cover typ.
func appendSigs(dst, sigs []dns.RR, typ uint16) []dns.RR {
	for _, s := range sigs {
		if sig, ok := s.(*dns.RRSIG); ok && sig.TypeCovered == typ {
			dst = append(dst, s)
		}
	}
	return dst
}

// Print writes the names of the tree to standard output, one level of the
// tree a line; a debugging aid.
func (t *Tree) Print() {
	if t.Root == nil {
		fmt.Println("<nil>")
		return
	}
	level := []*Node{t.Root}
	for len(level) > 0 {
		var next []*Node
		for i, n := range level {
			if i > 0 {
				fmt.Print(" ")
			}
			fmt.Print(n.Elem.name)
			if n.Left != nil {
				next = append(next, n.Left)
			}
			if n.Right != nil {
				next = append(next, n.Right)
			}
		}
		fmt.Println()
		level = next
	}
}
