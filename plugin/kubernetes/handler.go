package kubernetes

import (
	"context"

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
	)
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
		if state.Name() == state.Zone || equalFold(qname, zone) {
			records, err = plugin.SOA(ctx, k, zone, state, opt)
			break
		}
		err = k.exists(ctx, state, zone)
	case dns.TypeAXFR, dns.TypeIXFR:
		return dns.RcodeRefused, nil
	case dns.TypeNS:
		if equalFold(qname, zone) {
			records, extra, err = plugin.NS(ctx, k, zone, state, opt)
			break
		}
		err = k.exists(ctx, state, zone)
	default:
		err = k.exists(ctx, state, zone)
	}

	if k.IsNameError(err) {
		if k.Fall.Through(state.Name()) {
			return plugin.NextOrFailure(k.Name(), k.Next, ctx, w, r)
		}
		if !k.apiConn.HasSynced() {
			// Not knowing the cluster yet is not the same as the name not existing.
			return plugin.BackendError(ctx, k, zone, dns.RcodeServerFailure, state, nil, opt)
		}
		return plugin.BackendError(ctx, k, zone, dns.RcodeNameError, state, nil, opt)
	}
	if err != nil {
		return dns.RcodeServerFailure, err
	}
	if len(records) == 0 {
		return plugin.BackendError(ctx, k, zone, dns.RcodeSuccess, state, nil, opt)
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Truncated = truncated
	m.Authoritative = true
	m.Answer = append(m.Answer, records...)
	m.Extra = append(m.Extra, extra...)
	w.WriteMsg(m) //nolint:errcheck // the client may be gone
	return dns.RcodeSuccess, nil
}

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

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
