package kubernetes

import (
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// The builders below put each record together with the bytes of its address
// in one allocation, and a reply together with its question, so that an
// answer costs a handful of allocations however it is assembled. Every
// slice handed out has its capacity equal to its length: a later append by
// another plugin copies instead of writing over a neighbour.

// reply is a response message with the room for its one question.
type reply struct {
	m dns.Msg
	q [1]dns.Question
}

// newReply returns a response to r as dns.Msg.SetReply makes it.
func newReply(r *dns.Msg) *dns.Msg {
	p := new(reply)
	p.init(r)
	return &p.m
}

func (p *reply) init(r *dns.Msg) {
	m := &p.m
	m.Id = r.Id
	m.Response = true
	m.Opcode = r.Opcode
	if m.Opcode == dns.OpcodeQuery {
		m.RecursionDesired = r.RecursionDesired
		m.CheckingDisabled = r.CheckingDisabled
	}
	m.Rcode = dns.RcodeSuccess
	if len(r.Question) > 0 {
		p.q[0] = r.Question[0]
		m.Question = p.q[:1:1]
	}
}

// errorReply is a negative response with its SOA.
type errorReply struct {
	reply
	ns  [1]dns.RR
	soa dns.SOA
}

// aRecord and aaaaRecord hold an address record and its address bytes.
type aRecord struct {
	rr dns.A
	ip [4]byte
}

type aaaaRecord struct {
	rr dns.AAAA
	ip [16]byte
}

func (a *aRecord) set(name string, ttl uint32, ip netip.Addr) dns.RR {
	a.ip = ip.Unmap().As4()
	a.rr = dns.A{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: ttl}, A: a.ip[:4:4]}
	return &a.rr
}

func (a *aaaaRecord) set(name string, ttl uint32, ip netip.Addr) dns.RR {
	a.ip = ip.As16()
	a.rr = dns.AAAA{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeAAAA, Class: dns.ClassINET, Ttl: ttl}, AAAA: a.ip[:16:16]}
	return &a.rr
}

// isV4 tells the family an address is answered in: IPv4-mapped IPv6
// addresses count as IPv4, as net.IP.To4 has it.
func isV4(ip netip.Addr) bool { return ip.Is4() || ip.Is4In6() }

// parseHost parses a stored address; ok is false for anything net.ParseIP
// would not take as an address (which the generic path treats as a name).
func parseHost(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip, true
}

// addressRecords returns records of name for addrs, all of one family.
func addressRecords(name string, ttl uint32, addrs []netip.Addr, v6 bool) []dns.RR {
	switch n := len(addrs); {
	case n == 0:
		return nil
	case n == 1 && !v6:
		p := new(struct {
			rrs [1]dns.RR
			a   aRecord
		})
		p.rrs[0] = p.a.set(name, ttl, addrs[0])
		return p.rrs[:1:1]
	case n == 1:
		p := new(struct {
			rrs [1]dns.RR
			a   aaaaRecord
		})
		p.rrs[0] = p.a.set(name, ttl, addrs[0])
		return p.rrs[:1:1]
	case !v6:
		rrs := make([]dns.RR, n)
		recs := make([]aRecord, n)
		for i := range recs {
			rrs[i] = recs[i].set(name, ttl, addrs[i])
		}
		return rrs
	default:
		rrs := make([]dns.RR, n)
		recs := make([]aaaaRecord, n)
		for i := range recs {
			rrs[i] = recs[i].set(name, ttl, addrs[i])
		}
		return rrs
	}
}

// addressRecord returns one A or AAAA record of name for ip.
func addressRecordFor(name string, ttl uint32, ip netip.Addr) dns.RR {
	if isV4(ip) {
		return new(aRecord).set(name, ttl, ip)
	}
	return new(aaaaRecord).set(name, ttl, ip)
}

// smallSet remembers values (addresses, names) already answered, by
// linear search while there are few of them. Its zero value is empty.
type smallSet[T comparable] struct {
	list [smallSetLinear]T
	n    int
	big  map[T]struct{}
}

const smallSetLinear = 16

// add records v and reports whether it is new.
func (h *smallSet[T]) add(v T) bool {
	if h.big != nil {
		if _, dup := h.big[v]; dup {
			return false
		}
		h.big[v] = struct{}{}
		return true
	}
	for _, o := range h.list[:h.n] {
		if o == v {
			return false
		}
	}
	if h.n == smallSetLinear {
		h.big = make(map[T]struct{}, 4*smallSetLinear)
		for _, o := range h.list {
			h.big[o] = struct{}{}
		}
		h.big[v] = struct{}{}
		return true
	}
	h.list[h.n] = v
	h.n++
	return true
}

// joinName joins labels and a zone into a name the way dnsutil.Join does
// (a trailing dot of each part dropped, empty parts skipped), in one
// allocation.
func joinName(zone string, labels ...string) string {
	n := len(zone) + 1
	for _, l := range labels {
		n += len(l) + 1
	}
	var b strings.Builder
	b.Grow(n)
	for _, l := range labels {
		l = strings.TrimSuffix(l, ".")
		if l == "" {
			continue
		}
		b.WriteString(l)
		b.WriteByte('.')
	}
	if z := strings.TrimSuffix(zone, "."); z != "" {
		b.WriteString(z)
		b.WriteByte('.')
	}
	if b.Len() == 0 {
		return "."
	}
	return b.String()
}
