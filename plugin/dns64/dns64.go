// Package dns64 implements a plugin that synthesizes AAAA records from A
// records (RFC 6147) for IPv6-only clients behind a NAT64 gateway.
package dns64

import (
	"context"
	"net"
	"net/netip"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/plugin/pkg/nonwriter"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Upstreamer looks up a name on behalf of a query; *upstream.Upstream is
// one, tests use others.
type Upstreamer interface {
	Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error)
}

// DNS64 answers AAAA queries for names that only have A records with AAAA
// records made by embedding the IPv4 addresses in Prefix.
type DNS64 struct {
	Next     plugin.Handler
	Upstream Upstreamer

	// Prefix is the NAT64 prefix; its length is 32, 40, 48, 56, 64 or 96.
	Prefix netip.Prefix
	// TranslateAll synthesizes even when the name has AAAA records.
	TranslateAll bool
	// AllowIPv4 translates for clients that asked over IPv4 as well.
	AllowIPv4 bool
}

// defaultSOATTL bounds the TTL of synthesized records when the AAAA answer
// carried no SOA.
const defaultSOATTL = 600

// ServeDNS implements plugin.Handler.
func (d *DNS64) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if state.QType() == dns.TypePTR && state.QClass() == dns.ClassINET {
		if v4, ok := d.extract(state.Name()); ok {
			return d.servePTR(ctx, w, state, v4)
		}
	}
	if !d.intercepts(&state) {
		return plugin.NextOrFailure(d.Name(), d.Next, ctx, w, r)
	}

	// Get the AAAA answer without sending it, to see whether it needs help.
	nw := nonwriter.New(w)
	rc, err := plugin.NextOrFailure(d.Name(), d.Next, ctx, nw, r)
	if nw.Msg == nil {
		return rc, err
	}
	if !d.needsSynthesis(nw.Msg) {
		w.WriteMsg(nw.Msg) //nolint:errcheck // nothing to do on a failed write
		return rc, err
	}

	a, err := d.Upstream.Lookup(ctx, state, state.QName(), dns.TypeA)
	if err != nil {
		return dns.RcodeServerFailure, plugin.Error(d.Name(), err)
	}
	m := d.synthesize(r, nw.Msg, a)
	translatedCount.WithLabelValues(metrics.WithServer(ctx)).Inc()
	w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (d *DNS64) Name() string { return "dns64" }

// intercepts reports whether the query is one dns64 may answer: an AAAA
// query in class IN, from an IPv6 client unless IPv4 ones are allowed.
func (d *DNS64) intercepts(state *request.Request) bool {
	if state.QType() != dns.TypeAAAA || state.QClass() != dns.ClassINET {
		return false
	}
	return d.AllowIPv4 || state.Family() == 2
}

// needsSynthesis reports whether the AAAA answer res should be replaced by
// one made from A records. Only a name error (RFC 6147 5.1.2) and, without
// TranslateAll, an answer holding AAAA records go to the client as they
// are. Any other answer is treated as if it were empty (5.1.3): a NODATA
// answer (5.1.1), one holding only other records such as a CNAME chain
// ending elsewhere (5.1.6), a referral, or a failure such as SERVFAIL.
func (d *DNS64) needsSynthesis(res *dns.Msg) bool {
	if res.Rcode == dns.RcodeNameError {
		return false
	}
	if d.TranslateAll {
		return true
	}
	for _, rr := range res.Answer {
		if rr.Header().Rrtype == dns.TypeAAAA {
			return false
		}
	}
	return true
}

// synthesize makes the answer to the AAAA query req from the response a to
// the matching A query. orig is the AAAA response, whose SOA bounds the
// TTLs (RFC 6147 5.1.7). Records other than A pass unchanged (5.3.1), but
// for signatures over the A records, which do not cover what is sent.
func (d *DNS64) synthesize(req, orig, a *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Rcode = a.Rcode
	m.Truncated = a.Truncated
	m.Ns = a.Ns
	m.Extra = a.Extra

	maxTTL := uint32(defaultSOATTL)
	for _, rr := range orig.Ns {
		if rr.Header().Rrtype == dns.TypeSOA {
			maxTTL = rr.Header().Ttl
		}
	}

	m.Answer = make([]dns.RR, 0, len(a.Answer))
	for _, rr := range a.Answer {
		switch rr := rr.(type) {
		case *dns.A:
			hdr := rr.Hdr
			hdr.Rrtype = dns.TypeAAAA
			hdr.Rdlength = 0
			hdr.Ttl = min(hdr.Ttl, maxTTL)
			m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: d.embed(rr.A)})
		case *dns.RRSIG:
			if rr.TypeCovered != dns.TypeA {
				m.Answer = append(m.Answer, rr)
			}
		default:
			m.Answer = append(m.Answer, rr)
		}
	}
	return m
}

// embed returns the IPv6 address that carries ip4 under the prefix, laid
// out as RFC 6052 section 2.2 says: the IPv4 octets follow the prefix and
// skip octet 8 (bits 64 to 71), which stays zero.
func (d *DNS64) embed(ip4 net.IP) net.IP {
	v4 := ip4.To4()
	out := d.Prefix.Addr().As16()
	pos := d.Prefix.Bits() / 8
	for i := pos; i < 16; i++ {
		out[i] = 0
	}
	for _, b := range v4 {
		if pos == 8 {
			pos++
		}
		out[pos] = b
		pos++
	}
	return net.IP(out[:])
}

// extract returns the IPv4 address embedded in the IPv6 address that the
// reverse name qname stands for, when that address lies in the prefix.
func (d *DNS64) extract(qname string) (netip.Addr, bool) {
	if dnsutil.IsReverse(qname) != 2 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(dnsutil.ExtractAddressFromReverse(qname))
	if err != nil || !a.Is6() || !d.Prefix.Contains(a) {
		return netip.Addr{}, false
	}
	b := a.As16()
	var v4 [4]byte
	pos := d.Prefix.Bits() / 8
	for i := range v4 {
		if pos == 8 {
			pos++
		}
		v4[i] = b[pos]
		pos++
	}
	return netip.AddrFrom4(v4), true
}

// servePTR answers a PTR query for a synthesized address (RFC 6147 5.3.1):
// a CNAME from the ip6.arpa name to the in-addr.arpa name of the embedded
// IPv4 address, followed by what the server answers for that name.
func (d *DNS64) servePTR(ctx context.Context, w dns.ResponseWriter, state request.Request, v4 netip.Addr) (int, error) {
	target, err := dns.ReverseAddr(v4.String())
	if err != nil {
		return dns.RcodeServerFailure, plugin.Error(d.Name(), err)
	}
	res, err := d.Upstream.Lookup(ctx, state, target, dns.TypePTR)
	if err != nil {
		return dns.RcodeServerFailure, plugin.Error(d.Name(), err)
	}
	ttl := uint32(defaultSOATTL)
	for _, rr := range res.Answer {
		ttl = min(ttl, rr.Header().Ttl)
	}
	m := new(dns.Msg)
	m.SetReply(state.Req)
	m.Rcode = res.Rcode
	m.Answer = make([]dns.RR, 0, len(res.Answer)+1)
	m.Answer = append(m.Answer, &dns.CNAME{
		Hdr:    dns.RR_Header{Name: state.QName(), Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: ttl},
		Target: target,
	})
	m.Answer = append(m.Answer, res.Answer...)
	m.Ns = res.Ns
	w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, nil
}
