package cache

import (
	"strings"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// item is one cached response. Its records are private copies that are
// never handed out: every reply gets copies of its own.
type item struct {
	name   string // the question name, lowercased
	qtype  uint16
	qclass uint16
	flags  uint8 // DO and CD bits of the query that stored it

	rcode int
	ad    bool
	ra    bool

	answer []dns.RR
	ns     []dns.RR
	extra  []dns.RR // without OPT

	stored time.Time // with a monotonic reading, so clock steps do not matter
	ttl    int       // seconds the entry is fresh for

	counts rrCounts // records of the batched types, to size a reply's batches

	// Prefetch bookkeeping, updated by concurrent hits.
	hits       atomic.Int32
	lastHit    atomic.Int64 // nanoseconds after stored
	refreshing atomic.Bool  // a background refresh is under way
}

// newItem copies m into a new item stored at now and fresh for ttl.
func newItem(m *dns.Msg, name string, flags uint8, now time.Time, ttl time.Duration) *item {
	i := &item{
		name:   name,
		qtype:  m.Question[0].Qtype,
		qclass: m.Question[0].Qclass,
		flags:  flags,
		rcode:  m.Rcode,
		ad:     m.AuthenticatedData,
		ra:     m.RecursionAvailable,
		answer: copyRRs(m.Answer),
		ns:     copyRRs(m.Ns),
		extra:  copyRRs(m.Extra),
		stored: now,
		ttl:    int(ttl / time.Second),
	}
	for _, sec := range [...][]dns.RR{i.answer, i.ns, i.extra} {
		for _, r := range sec {
			i.counts.add(r)
		}
	}
	return i
}

// rrCounts counts the records of the types a reply copies in batches.
type rrCounts struct {
	a, aaaa, cname int
}

func (n *rrCounts) add(r dns.RR) {
	switch r.(type) {
	case *dns.A:
		n.a++
	case *dns.AAAA:
		n.aaaa++
	case *dns.CNAME:
		n.cname++
	}
}

// batch hands out the copies of a reply's A, AAAA and CNAME records from one
// array per type, so an answer of several addresses costs one allocation.
// Each array is made with room for all the records of its type, so taking
// the address of an element is safe: it never moves.
type batch struct {
	n     rrCounts
	a     []dns.A
	aaaa  []dns.AAAA
	cname []dns.CNAME
}

// copyRRs returns deep copies of rrs, leaving out OPT records, which belong
// to a single exchange.
func copyRRs(rrs []dns.RR) []dns.RR {
	n := 0
	for _, r := range rrs {
		if r.Header().Rrtype != dns.TypeOPT {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]dns.RR, 0, n)
	for _, r := range rrs {
		if r.Header().Rrtype != dns.TypeOPT {
			out = append(out, dns.Copy(r))
		}
	}
	return out
}

// remaining returns the seconds i has left at now; zero or less means it
// has expired.
func (i *item) remaining(now time.Time) int {
	return i.ttl - int(now.Sub(i.stored)/time.Second)
}

// matches guards against hash collisions: it reports whether i was stored
// for this question and these key flags.
func (i *item) matches(q dns.Question, flags uint8) bool {
	return i.qtype == q.Qtype && i.qclass == q.Qclass && i.flags == flags && strings.EqualFold(i.name, q.Name)
}

// hit records a hit at now and returns the number of hits seen without a
// gap of window or more between them.
func (i *item) hit(now time.Time, window time.Duration) int32 {
	t := int64(now.Sub(i.stored))
	last := i.lastHit.Swap(t)
	if t-last > int64(window) {
		i.hits.Store(1)
		return 1
	}
	return i.hits.Add(1)
}

// inherit carries the hit history of old over to i, which replaces it.
func (i *item) inherit(old *item) {
	i.hits.Store(old.hits.Load())
	// Keep the last hit at the same instant, relative to the new entry.
	i.lastHit.Store(old.lastHit.Load() - int64(i.stored.Sub(old.stored)))
}

// reply is a cached answer with the storage for its header, question and a
// few records, so a hit costs one allocation plus one per record.
type reply struct {
	msg dns.Msg
	q   [1]dns.Question
	rrs [8]dns.RR
}

// toMsg builds the reply to req from i, with every record's TTL set to ttl.
// edns says req has an OPT record, which the server adds to the reply; room
// for it is kept at the end of the additional section.
func (i *item) toMsg(req *dns.Msg, ttl uint32, edns bool) *dns.Msg {
	rp := &reply{}
	m := &rp.msg
	m.Id = req.Id
	m.Response = true
	m.Opcode = req.Opcode
	if m.Opcode == dns.OpcodeQuery {
		m.RecursionDesired = req.RecursionDesired
		m.CheckingDisabled = req.CheckingDisabled
	}
	rp.q[0] = req.Question[0]
	m.Question = rp.q[:]

	// Some old stub resolvers drop answers without AA, so answers from the
	// cache always claim it, as CoreDNS does.
	m.Authoritative = true
	// Keep AD only for clients that asked for DNSSEC or for AD itself
	// (RFC 6840, section 5.7 and 5.8).
	m.AuthenticatedData = i.ad && (req.AuthenticatedData || i.flags&flagDO != 0)
	m.RecursionAvailable = i.ra
	m.Rcode = i.rcode

	na, nn, ne := len(i.answer), len(i.ns), len(i.extra)
	n := na + nn + ne
	spare := 0
	if edns {
		spare = 1
	}
	var rrs []dns.RR
	if n+spare <= len(rp.rrs) {
		rrs = rp.rrs[:n+spare]
	} else {
		rrs = make([]dns.RR, n+spare)
	}
	b := batch{n: i.counts}
	for k, r := range i.answer {
		rrs[k] = b.copy(r, ttl)
	}
	for k, r := range i.ns {
		rrs[na+k] = b.copy(r, ttl)
	}
	for k, r := range i.extra {
		rrs[na+nn+k] = b.copy(r, ttl)
	}
	// Full slice expressions, so appending to one section never overwrites
	// the next.
	if na > 0 {
		m.Answer = rrs[:na:na]
	}
	if nn > 0 {
		m.Ns = rrs[na : na+nn : na+nn]
	}
	if ne > 0 || spare > 0 {
		m.Extra = rrs[na+nn : n : n+spare]
	}
	return m
}

// copy returns a copy of r with its TTL set to ttl, from the batch when r
// is of a batched type.
func (b *batch) copy(r dns.RR, ttl uint32) dns.RR {
	switch x := r.(type) {
	case *dns.A:
		if b.a == nil {
			b.a = make([]dns.A, 0, b.n.a)
		}
		if len(b.a) < cap(b.a) {
			b.a = append(b.a, *x)
			y := &b.a[len(b.a)-1]
			y.Hdr.Ttl = ttl
			return y
		}
	case *dns.AAAA:
		if b.aaaa == nil {
			b.aaaa = make([]dns.AAAA, 0, b.n.aaaa)
		}
		if len(b.aaaa) < cap(b.aaaa) {
			b.aaaa = append(b.aaaa, *x)
			y := &b.aaaa[len(b.aaaa)-1]
			y.Hdr.Ttl = ttl
			return y
		}
	case *dns.CNAME:
		if b.cname == nil {
			b.cname = make([]dns.CNAME, 0, b.n.cname)
		}
		if len(b.cname) < cap(b.cname) {
			b.cname = append(b.cname, *x)
			y := &b.cname[len(b.cname)-1]
			y.Hdr.Ttl = ttl
			return y
		}
	}
	return copyRR(r, ttl)
}

// copyRR returns a copy of r with its TTL set to ttl. The common types are
// copied field by field, sharing their (never modified) slices, which costs
// one allocation; anything else gets a deep copy.
func copyRR(r dns.RR, ttl uint32) dns.RR {
	var c dns.RR
	switch x := r.(type) {
	case *dns.A:
		y := *x
		c = &y
	case *dns.AAAA:
		y := *x
		c = &y
	case *dns.CNAME:
		y := *x
		c = &y
	case *dns.NS:
		y := *x
		c = &y
	case *dns.SOA:
		y := *x
		c = &y
	case *dns.PTR:
		y := *x
		c = &y
	case *dns.MX:
		y := *x
		c = &y
	case *dns.SRV:
		y := *x
		c = &y
	case *dns.DNAME:
		y := *x
		c = &y
	default:
		c = dns.Copy(r)
	}
	c.Header().Ttl = ttl
	return c
}
