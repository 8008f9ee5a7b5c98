package kubernetes

import (
	"context"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ServeDNS implements plugin.Handler.
func (k *Kubernetes) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.QName()
	zone := plugin.Zones(k.Zones).Matches(state.Name())
	if zone == "" {
		return plugin.NextOrFailure(k.Name(), k.Next, ctx, w, r)
	}
	zone = qname[len(qname)-len(zone):] // the zone as the client spelled it
	state.Zone = zone

	var (
		records, extra []dns.RR
		truncated      bool
		err            error
		direct         bool
	)
	switch qtype := state.QType(); {
	case k.genericOnly:
	case qtype == dns.TypeA:
		records, err, direct = k.directAddress(state, zone, false)
	case qtype == dns.TypeAAAA:
		records, err, direct = k.directAddress(state, zone, true)
	case qtype == dns.TypeSRV:
		records, extra, err, direct = k.directSRV(state, zone)
	case qtype == dns.TypePTR:
		records, err, direct = k.directPTR(state)
	}
	if !direct {
		var rcode int
		records, extra, truncated, rcode, err = k.generic(ctx, state, zone)
		if rcode != dns.RcodeSuccess {
			return rcode, err
		}
	}

	if k.IsNameError(err) {
		if k.Fall.Through(state.Name()) {
			return plugin.NextOrFailure(k.Name(), k.Next, ctx, w, r)
		}
		if !k.apiConn.HasSynced() {
			// Not knowing the cluster yet is not the same as the name not existing.
			return k.backendError(zone, dns.RcodeServerFailure, state)
		}
		return k.backendError(zone, dns.RcodeNameError, state)
	}
	if err != nil {
		return dns.RcodeServerFailure, err
	}
	if len(records) == 0 {
		return k.backendError(zone, dns.RcodeSuccess, state)
	}

	m := newReply(r)
	m.Truncated = truncated
	m.Authoritative = true
	m.Answer = records
	if len(extra) > 0 {
		m.Extra = extra
	}
	w.WriteMsg(m) //nolint:errcheck // the client may be gone
	return dns.RcodeSuccess, nil
}

// generic answers through the backend helpers of package plugin; a rcode
// other than success means the question is not answered here at all.
func (k *Kubernetes) generic(ctx context.Context, state request.Request, zone string) (records, extra []dns.RR, truncated bool, rcode int, err error) {
	qname := state.QName()
	opt := plugin.Options{}
	switch state.QType() {
	case dns.TypeA:
		records, truncated, err = plugin.A(ctx, k, zone, state, nil, opt)
	case dns.TypeAAAA:
		records, truncated, err = plugin.AAAA(ctx, k, zone, state, nil, opt)
	case dns.TypeTXT:
		records, truncated, err = plugin.TXT(ctx, k, zone, state, nil, opt)
	case dns.TypeCNAME:
		records, err = plugin.CNAME(ctx, k, zone, state, opt)
	case dns.TypePTR:
		records, err = plugin.PTR(ctx, k, zone, state, opt)
	case dns.TypeMX:
		records, extra, err = plugin.MX(ctx, k, zone, state, opt)
	case dns.TypeSRV:
		records, extra, err = plugin.SRV(ctx, k, zone, state, opt)
	case dns.TypeSOA:
		if state.Name() == state.Zone || strings.EqualFold(qname, zone) {
			records, err = plugin.SOA(ctx, k, zone, state, opt)
			break
		}
		err = k.exists(ctx, state, zone)
	case dns.TypeAXFR, dns.TypeIXFR:
		return nil, nil, false, dns.RcodeRefused, nil
	case dns.TypeNS:
		if strings.EqualFold(qname, zone) {
			records, extra, err = plugin.NS(ctx, k, zone, state, opt)
			break
		}
		err = k.exists(ctx, state, zone)
	default:
		err = k.exists(ctx, state, zone)
	}
	return records, extra, truncated, dns.RcodeSuccess, err
}

// backendError writes an authoritative reply with rcode and the zone's SOA
// in the authority section, as plugin.BackendError does.
func (k *Kubernetes) backendError(zone string, rcode int, state request.Request) (int, error) {
	p := new(errorReply)
	p.init(state.Req)
	m := &p.m
	m.Rcode = rcode
	m.Authoritative = true
	ns, mbox := k.soaNames(zone)
	p.soa = dns.SOA{
		Hdr:     dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: min(k.ttl, soaMaxTTL)},
		Ns:      ns,
		Mbox:    mbox,
		Serial:  k.Serial(state),
		Refresh: soaRefresh,
		Retry:   soaRetry,
		Expire:  soaExpire,
		Minttl:  k.ttl,
	}
	p.ns[0] = &p.soa
	m.Ns = p.ns[:1:1]
	state.W.WriteMsg(m) //nolint:errcheck // the client may be gone
	return dns.RcodeSuccess, nil
}

// The SOA timers of plugin.SOA.
const (
	soaRefresh = 7200
	soaRetry   = 1800
	soaExpire  = 86400
	soaMaxTTL  = 300
)

// exists returns the error an A lookup of the name gets, to tell NODATA
// from NXDOMAIN for the types this plugin has no records of.
func (k *Kubernetes) exists(ctx context.Context, state request.Request, zone string) error {
	fake := state.NewWithQuestion(state.QName(), dns.TypeA)
	fake.Zone = state.Zone
	_, _, err := plugin.A(ctx, k, zone, fake, nil, plugin.Options{})
	return err
}

// Name implements plugin.Handler.
func (k *Kubernetes) Name() string { return "kubernetes" }
