package file

import (
	"strings"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/file/tree"

	"github.com/miekg/dns"
)

// maxLoop bounds how deep queries may nest through the server when CNAME
// targets are looked up outside the zone.
const maxLoop = 8

// missing answers a name the tree does not hold: an empty non-terminal
// (NODATA), a name covered by a wildcard (RFC 4592), or NXDOMAIN.
func (l *lookup) missing(qname string) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	// In canonical order the names below any existing ancestor of qname sit
	// right around qname, so its neighbors give the closest encloser.
	prev, hasPrev := l.tr.Prev(qname)
	next, hasNext := l.tr.Next(qname)
	labels := dns.CountLabel(qname)
	ce := l.z.origLen
	if hasNext {
		c := commonLabels(qname, next.Name())
		if c >= labels {
			// A name below qname exists: qname is an empty non-terminal.
			ns := l.soa()
			if l.do && hasPrev {
				ns = l.appendNSEC(clone(ns, 2), prev)
			}
			return nil, ns, nil, NoData
		}
		ce = max(ce, c)
	}
	if hasPrev {
		ce = max(ce, commonLabels(qname, prev.Name()))
	}
	off, _ := dns.PrevLabel(qname, ce)
	encloser := qname[off:]

	var buf [256]byte
	var wildName string
	if len(encloser)+2 <= len(buf) {
		b := append(append(buf[:0], '*', '.'), encloser...)
		wildName = stackString(b)
	} else {
		wildName = "*." + encloser
	}
	if wild, ok := l.tr.Search(wildName); ok {
		return l.wildcard(qname, wild, prev, hasPrev)
	}

	ns := l.soa()
	if l.do && hasPrev {
		ns = l.appendNSEC(clone(ns, 4), prev)
		// And no wildcard at the closest encloser either.
		if wprev, ok := l.tr.Prev(wildName); ok && wprev != prev {
			ns = l.appendNSEC(ns, wprev)
		}
	}
	return nil, ns, nil, NameError
}

// wildcard answers qname from the wildcard wild.
func (l *lookup) wildcard(qname string, wild, prev *tree.Elem, hasPrev bool) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	if l.qtype != dns.TypeCNAME {
		if cn := wild.TypeForWildcard(dns.TypeCNAME, qname); len(cn) > 0 {
			answer := l.appendWildSigs(cn, wild, qname, dns.TypeCNAME)
			return l.chase(answer, cn[0].(*dns.CNAME).Target)
		}
	}
	rrs := wild.TypeForWildcard(l.qtype, qname)
	if len(rrs) == 0 {
		ns := l.soa()
		if l.do {
			ns = l.appendNSEC(clone(ns, 4), wild)
			if hasPrev && prev != wild {
				ns = l.appendNSEC(ns, prev)
			}
		}
		return nil, ns, nil, NoData
	}
	auth := l.ap.ns(l.do)
	if l.do {
		rrs = l.appendWildSigs(rrs, wild, qname, l.qtype)
		// Prove that qname itself does not exist.
		if hasPrev {
			auth = l.appendNSEC(clone(auth, 2), prev)
		}
	}
	return rrs, auth, nil, Success
}

// appendWildSigs appends the signatures of wild that cover typ, with their
// owner set to qname, when DO is set.
func (l *lookup) appendWildSigs(dst []dns.RR, wild *tree.Elem, qname string, typ uint16) []dns.RR {
	if !l.do {
		return dst
	}
	for _, rr := range wild.Type(dns.TypeRRSIG) {
		if sig, ok := rr.(*dns.RRSIG); ok && sig.TypeCovered == typ {
			c := dns.Copy(sig)
			c.Header().Name = qname
			dst = append(dst, c)
		}
	}
	return dst
}

// external resolves a CNAME target the zone does not hold by asking the
// server the query came in on, which may route it to another zone.
func (l *lookup) external(answer []dns.RR, target string) ([]dns.RR, []dns.RR, []dns.RR, Result) {
	if loop, _ := l.ctx.Value(dnsserver.LoopKey{}).(int); loop > maxLoop {
		return answer, l.ap.ns(l.do), nil, ServerFailure
	}
	m, err := l.z.Upstream.Lookup(l.ctx, l.state, target, l.qtype)
	if err != nil || m == nil {
		return answer, l.ap.ns(l.do), nil, ServerFailure
	}
	answer = append(answer, m.Answer...)
	switch {
	case m.Rcode == dns.RcodeNameError:
		return answer, l.soa(), nil, NameError
	case m.Rcode == dns.RcodeServerFailure:
		return answer, l.ap.ns(l.do), nil, ServerFailure
	case m.Rcode == dns.RcodeSuccess && len(m.Answer) == 0:
		return answer, l.soa(), nil, NoData
	}
	return answer, l.ap.ns(l.do), nil, Success
}

// ClosestEncloser returns the Elem of the longest name that is qname or an
// ancestor of it and is held in the tree, falling back to the apex.
func (z *Zone) ClosestEncloser(qname string) (*tree.Elem, bool) {
	z.RLock()
	tr := z.Tree
	z.RUnlock()
	for off, end := 0, false; !end; off, end = dns.NextLabel(qname, off) {
		name := qname[off:]
		if len(name) < len(z.origin) {
			break
		}
		if e, ok := tr.Search(name); ok {
			return e, true
		}
	}
	return tr.Search(z.origin)
}

// commonLabels counts the labels a and b have in common from the right,
// ignoring ASCII case. Unlike dns.CompareDomainName it does not allocate.
func commonLabels(a, b string) int {
	a, b = trimDot(a), trimDot(b)
	n := 0
	for a != "" && b != "" {
		ia, ib := lastLabel(a), lastLabel(b)
		if !strings.EqualFold(a[ia:], b[ib:]) {
			break
		}
		n++
		if ia == 0 || ib == 0 {
			break
		}
		a, b = a[:ia-1], b[:ib-1]
	}
	return n
}

// trimDot removes the final, unescaped dot of name.
func trimDot(name string) string {
	if n := len(name); n > 0 && name[n-1] == '.' && !escapedAt(name, n-1) {
		return name[:n-1]
	}
	return name
}

// lastLabel returns where the last label of name (without final dot) starts.
func lastLabel(name string) int {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' && !escapedAt(name, i) {
			return i + 1
		}
	}
	return 0
}

// escapedAt reports whether name[i] is escaped by a backslash.
func escapedAt(name string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && name[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
