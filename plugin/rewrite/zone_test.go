package rewrite

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// zoneHandler is a small authoritative server for one zone, standing in
// for the file plugin behind rewrite in the tests: answers with the apex NS
// records in the authority section, in-zone CNAMEs followed, the addresses
// of SRV and MX targets as additional records, NODATA and NXDOMAIN with the
// SOA record, and REFUSED (nothing written) for names outside the zone.
type zoneHandler struct {
	origin string
	rrs    map[string][]dns.RR // by lower-case owner name
	served int                 // queries answered
}

func loadZone(t *testing.T, file, origin string) *zoneHandler {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := &zoneHandler{origin: dns.Fqdn(origin), rrs: map[string][]dns.RR{}}
	zp := dns.NewZoneParser(f, z.origin, file)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		name := strings.ToLower(rr.Header().Name)
		z.rrs[name] = append(z.rrs[name], rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatal(err)
	}
	return z
}

func (z *zoneHandler) Name() string { return "zone" }

func (z *zoneHandler) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	if !dns.IsSubDomain(z.origin, name) {
		return dns.RcodeRefused, nil
	}
	z.served++
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = z.lookup(name, q.Qtype, 0)
	switch {
	case len(m.Answer) > 0:
		m.Ns = z.typ(z.origin, dns.TypeNS)
		for _, rr := range m.Answer {
			var target string
			switch v := rr.(type) {
			case *dns.SRV:
				target = v.Target
			case *dns.MX:
				target = v.Mx
			default:
				continue
			}
			m.Extra = append(m.Extra, z.typ(target, dns.TypeA)...)
			m.Extra = append(m.Extra, z.typ(target, dns.TypeAAAA)...)
		}
	case z.exists(name):
		m.Ns = z.typ(z.origin, dns.TypeSOA)
	default:
		m.Rcode = dns.RcodeNameError
		m.Ns = z.typ(z.origin, dns.TypeSOA)
	}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

// lookup returns the records of name and type, following CNAMEs in the zone.
func (z *zoneHandler) lookup(name string, qtype uint16, depth int) []dns.RR {
	if rrs := z.typ(name, qtype); len(rrs) > 0 || depth > 8 {
		return rrs
	}
	cname := z.typ(name, dns.TypeCNAME)
	if len(cname) == 0 {
		return nil
	}
	target := strings.ToLower(cname[0].(*dns.CNAME).Target)
	if !dns.IsSubDomain(z.origin, target) {
		return cname
	}
	return append(cname, z.lookup(target, qtype, depth+1)...)
}

func (z *zoneHandler) typ(name string, qtype uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range z.rrs[strings.ToLower(name)] {
		if rr.Header().Rrtype == qtype {
			out = append(out, rr)
		}
	}
	return out
}

// exists reports whether name has records or names below it.
func (z *zoneHandler) exists(name string) bool {
	for owner := range z.rrs {
		if dns.IsSubDomain(name, owner) {
			return true
		}
	}
	return false
}
