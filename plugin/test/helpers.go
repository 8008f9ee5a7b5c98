// Package test holds the helpers plugin tests share: a fake response writer,
// a test case type with checks for a DNS response, RR builders, stub
// handlers and a Prometheus scraper.
package test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

type sect int

// The sections of a message that Section can check.
const (
	Answer sect = iota
	Ns
	Extra
)

// String names the section as dig does.
func (s sect) String() string {
	switch s {
	case Answer:
		return "answer"
	case Ns:
		return "authority"
	case Extra:
		return "additional"
	}
	return fmt.Sprintf("section(%d)", int(s))
}

// RRSet sorts RRs into a deterministic order: by owner name, then type, then
// RDATA (as text), then TTL. The TTL comes last so that records whose TTL is
// the 303 wildcard line up with the records they are compared against.
type RRSet []dns.RR

// Len is the number of RRs.
func (p RRSet) Len() int { return len(p) }

// Swap exchanges RRs i and j.
func (p RRSet) Swap(i, j int) { p[i], p[j] = p[j], p[i] }

// Less reports whether RR i sorts before RR j.
func (p RRSet) Less(i, j int) bool {
	a, b := p[i].Header(), p[j].Header()
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Rrtype != b.Rrtype {
		return a.Rrtype < b.Rrtype
	}
	if ra, rb := rdata(p[i]), rdata(p[j]); ra != rb {
		return ra < rb
	}
	return a.Ttl < b.Ttl
}

// rdata is the presentation form of rr without its header.
func rdata(rr dns.RR) string {
	return strings.TrimPrefix(rr.String(), rr.Header().String())
}

// sorted returns a sorted copy of rrs, leaving rrs itself alone.
func sorted(rrs []dns.RR) []dns.RR {
	if rrs == nil {
		return nil
	}
	c := make([]dns.RR, len(rrs))
	copy(c, rrs)
	sort.Sort(RRSet(c))
	return c
}

// Case is one query and the response expected for it. An expected RR with a
// TTL of 303 matches any TTL.
type Case struct {
	Qname              string
	Qtype              uint16
	Rcode              int
	Do                 bool
	CheckingDisabled   bool
	RecursionAvailable bool
	AuthenticatedData  bool
	Authoritative      bool
	Truncated          bool
	Answer             []dns.RR
	Ns                 []dns.RR
	Extra              []dns.RR
	Error              error
}

// Msg returns the query for the case. Do adds an OPT record with a 4096 byte
// buffer and the DO bit; CheckingDisabled and AuthenticatedData set the CD
// and AD bits.
func (c Case) Msg() *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(c.Qname), c.Qtype)
	if c.Do {
		m.Extra = append(m.Extra, OPT(4096, true))
	}
	m.CheckingDisabled = c.CheckingDisabled
	m.AuthenticatedData = c.AuthenticatedData
	return m
}

// parseRR parses s into an RR of type T, and panics with a readable message
// if it cannot: a bad literal in a test table is a bug in the test.
func parseRR[T dns.RR](s string) T {
	rr, err := dns.NewRR(s)
	if err != nil {
		panic(fmt.Sprintf("test: bad RR %q: %v", s, err))
	}
	if rr == nil {
		panic(fmt.Sprintf("test: no RR in %q", s))
	}
	t, ok := rr.(T)
	if !ok {
		var zero T
		panic(fmt.Sprintf("test: RR %q is a %s, want %T", s, dns.TypeToString[rr.Header().Rrtype], zero))
	}
	return t
}

// A parses rr as an A record.
func A(rr string) *dns.A { return parseRR[*dns.A](rr) }

// AAAA parses rr as an AAAA record.
func AAAA(rr string) *dns.AAAA { return parseRR[*dns.AAAA](rr) }

// CNAME parses rr as a CNAME record.
func CNAME(rr string) *dns.CNAME { return parseRR[*dns.CNAME](rr) }

// DNAME parses rr as a DNAME record.
func DNAME(rr string) *dns.DNAME { return parseRR[*dns.DNAME](rr) }

// SRV parses rr as an SRV record.
func SRV(rr string) *dns.SRV { return parseRR[*dns.SRV](rr) }

// SOA parses rr as an SOA record.
func SOA(rr string) *dns.SOA { return parseRR[*dns.SOA](rr) }

// NS parses rr as an NS record.
func NS(rr string) *dns.NS { return parseRR[*dns.NS](rr) }

// PTR parses rr as a PTR record.
func PTR(rr string) *dns.PTR { return parseRR[*dns.PTR](rr) }

// TXT parses rr as a TXT record.
func TXT(rr string) *dns.TXT { return parseRR[*dns.TXT](rr) }

// CAA parses rr as a CAA record.
func CAA(rr string) *dns.CAA { return parseRR[*dns.CAA](rr) }

// HINFO parses rr as an HINFO record.
func HINFO(rr string) *dns.HINFO { return parseRR[*dns.HINFO](rr) }

// MX parses rr as an MX record.
func MX(rr string) *dns.MX { return parseRR[*dns.MX](rr) }

// RRSIG parses rr as an RRSIG record.
func RRSIG(rr string) *dns.RRSIG { return parseRR[*dns.RRSIG](rr) }

// NSEC parses rr as an NSEC record.
func NSEC(rr string) *dns.NSEC { return parseRR[*dns.NSEC](rr) }

// DNSKEY parses rr as a DNSKEY record.
func DNSKEY(rr string) *dns.DNSKEY { return parseRR[*dns.DNSKEY](rr) }

// DS parses rr as a DS record.
func DS(rr string) *dns.DS { return parseRR[*dns.DS](rr) }

// NAPTR parses rr as a NAPTR record.
func NAPTR(rr string) *dns.NAPTR { return parseRR[*dns.NAPTR](rr) }

// SVCB parses rr as an SVCB record.
func SVCB(rr string) *dns.SVCB { return parseRR[*dns.SVCB](rr) }

// HTTPS parses rr as an HTTPS record.
func HTTPS(rr string) *dns.HTTPS { return parseRR[*dns.HTTPS](rr) }

// OPT returns an OPT record advertising bufsize, with the DO bit set if do is true.
func OPT(bufsize int, do bool) *dns.OPT {
	o := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
	o.SetVersion(0)
	o.SetUDPSize(uint16(bufsize))
	if do {
		o.SetDo()
	}
	return o
}
