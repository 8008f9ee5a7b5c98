// Package dnssec implements a plugin that signs responses on the fly and
// denies existence with NSEC black lies.
package dnssec

import (
	"context"
	"strings"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/cache"
	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// DefaultCapacity is the number of signature sets the cache holds by default.
const DefaultCapacity = 10000

// keyTTL is the TTL of the DNSKEY records we hand out, and the original TTL
// put in every signature: what the next plugin wrote may already have been
// decremented by a cache, so the real original TTL is unknown here.
const keyTTL = 3600

// Dnssec signs the replies of the next plugin for the zones it is
// configured for.
type Dnssec struct {
	Next plugin.Handler

	zones []string
	keys  []*DNSKEY
	ksk   []*DNSKEY // keys that sign the DNSKEY RRset
	zsk   []*DNSKEY // keys that sign everything else

	// dnskeys holds, per zone, the DNSKEY RRset answered at the apex.
	dnskeys map[string][]dns.RR
	cache   *cache.Cache[[]dns.RRSIG]
	now     func() time.Time
}

// New returns a Dnssec for zones signing with keys. When the keys hold at
// least one key with and one without the SEP flag, the DNSKEY RRset is signed
// with the former and all else with the latter; otherwise every key signs
// everything.
func New(zones []string, keys []*DNSKEY, next plugin.Handler, c *cache.Cache[[]dns.RRSIG]) *Dnssec {
	d := &Dnssec{Next: next, zones: zones, keys: keys, cache: c, now: time.Now}
	var ksk, zsk []*DNSKEY
	for _, k := range keys {
		if k.isKSK() {
			ksk = append(ksk, k)
		} else {
			zsk = append(zsk, k)
		}
	}
	if len(ksk) > 0 && len(zsk) > 0 {
		d.ksk, d.zsk = ksk, zsk
	} else {
		d.ksk, d.zsk = keys, keys
	}
	d.dnskeys = make(map[string][]dns.RR, len(zones))
	for _, z := range zones {
		set := make([]dns.RR, len(keys))
		for i, k := range keys {
			set[i] = k.keyRR(z, keyTTL)
		}
		d.dnskeys[z] = set
	}
	return d
}

// ServeDNS implements the plugin.Handler interface.
func (d *Dnssec) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()
	zone := plugin.Zones(d.zones).Matches(qname)
	if zone == "" {
		return plugin.NextOrFailure(d.Name(), d.Next, ctx, w, r)
	}
	do := state.Do()
	server := metrics.WithServer(ctx)

	if state.QType() == dns.TypeDNSKEY && qname == zone {
		m := d.dnskeyReply(state, zone, do, server)
		state.SizeAndDo(m)
		w.WriteMsg(m) //nolint:errcheck // nothing to do about a failed write
		return dns.RcodeSuccess, nil
	}
	if !do {
		return plugin.NextOrFailure(d.Name(), d.Next, ctx, w, r)
	}
	sw := &ResponseWriter{ResponseWriter: w, d: d, state: state, server: server}
	return plugin.NextOrFailure(d.Name(), d.Next, ctx, sw, r)
}

// Name implements the plugin.Handler interface.
func (d *Dnssec) Name() string { return "dnssec" }

// dnskeyReply builds the answer to a DNSKEY query for the apex of zone.
func (d *Dnssec) dnskeyReply(state request.Request, zone string, do bool, server string) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(state.Req)
	m.Authoritative = true
	set := d.dnskeys[zone]
	m.Answer = make([]dns.RR, len(set), len(set)+len(d.ksk))
	copy(m.Answer, set)
	if do {
		incep, expir := incepExpir(d.now())
		m.Answer = append(m.Answer, d.sign(set, zone, keyTTL, incep, expir, server)...)
	}
	return m
}

// Sign adds DNSSEC records to the reply m for the query in state: an RRSIG
// for every RRset of zone in each section, and for a negative reply an NSEC
// black lie that turns NXDOMAIN into NODATA. Delegations are left alone.
func (d *Dnssec) Sign(state request.Request, zone string, m *dns.Msg, now time.Time, server string) *dns.Msg {
	incep, expir := incepExpir(now)

	mt, _ := response.Typify(m, now)
	switch mt {
	case response.Delegation:
		return m
	case response.NameError, response.NoData:
		if len(m.Ns) != 1 || m.Ns[0].Header().Rrtype != dns.TypeSOA {
			return m
		}
		ttl := m.Ns[0].Header().Ttl
		m.Ns = append(m.Ns, d.sign(m.Ns[:1], zone, ttl, incep, expir, server)...)
		nsec := blackLie(state.QName(), zone, state.QType(), ttl)
		at := len(m.Ns)
		m.Ns = append(m.Ns, nsec)
		m.Ns = append(m.Ns, d.sign([]dns.RR{nsec}, zone, ttl, incep, expir, server)...)
		m.Rcode = dns.RcodeSuccess
		if state.QType() == dns.TypeNSEC {
			// The NSEC record is the answer; the SOA is not needed.
			m.Answer = append(m.Answer, m.Ns[at:]...)
			m.Ns = nil
		}
		return m
	}

	m.Answer = d.signSection(m.Answer, zone, incep, expir, server)
	m.Ns = d.signSection(m.Ns, zone, incep, expir, server)
	m.Extra = d.signSection(m.Extra, zone, incep, expir, server)
	return m
}

// signSection appends to rrs a signature set for every RRset in it that
// belongs to zone and is not signed yet.
func (d *Dnssec) signSection(rrs []dns.RR, zone string, incep, expir uint32, server string) []dns.RR {
	n := len(rrs)
	if n == 0 {
		return rrs
	}
	var seenBuf [32]bool
	seen := seenBuf[:0]
	if n <= len(seenBuf) {
		seen = seenBuf[:n]
	} else {
		seen = make([]bool, n)
	}
	var setBuf [8]dns.RR
	for i := 0; i < n; i++ {
		if seen[i] {
			continue
		}
		h := rrs[i].Header()
		if unsignable(h.Rrtype) {
			continue
		}
		set := append(setBuf[:0], rrs[i])
		for j := i + 1; j < n; j++ {
			if !seen[j] && sameRRset(h, rrs[j].Header()) {
				set = append(set, rrs[j])
				seen[j] = true
			}
		}
		if !dns.IsSubDomain(zone, h.Name) || covered(rrs[:n], h) {
			continue
		}
		rrs = append(rrs, d.sign(set, zone, h.Ttl, incep, expir, server)...)
	}
	return rrs
}

// unsignable reports whether records of type t never get a signature.
func unsignable(t uint16) bool {
	switch t {
	case dns.TypeOPT, dns.TypeRRSIG, dns.TypeSIG, dns.TypeTSIG:
		return true
	}
	return false
}

func sameRRset(a, b *dns.RR_Header) bool {
	return a.Rrtype == b.Rrtype && a.Class == b.Class && strings.EqualFold(a.Name, b.Name)
}

// covered reports whether rrs already holds an RRSIG for the RRset of h.
func covered(rrs []dns.RR, h *dns.RR_Header) bool {
	for _, r := range rrs {
		if s, ok := r.(*dns.RRSIG); ok && s.TypeCovered == h.Rrtype && strings.EqualFold(s.Hdr.Name, h.Name) {
			return true
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
