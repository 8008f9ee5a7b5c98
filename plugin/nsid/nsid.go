// Package nsid implements the EDNS0 Name Server Identifier option of
// RFC 5001: a client that sends an (empty) NSID option gets this server's
// identifier back in the OPT record of the reply.
package nsid

import (
	"context"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Nsid adds Data as NSID option to replies to queries that ask for it.
type Nsid struct {
	Next plugin.Handler
	Data string // the identifier, as configured

	hexData string // Data hex encoded, the form dns.EDNS0_NSID holds
}

// ServeDNS implements plugin.Handler.
func (n *Nsid) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if opt := r.IsEdns0(); opt != nil && hasNSID(opt) {
		nw := &ResponseWriter{ResponseWriter: w, Data: n.hexData, request: r}
		return plugin.NextOrFailure(n.Name(), n.Next, ctx, nw, r)
	}
	return plugin.NextOrFailure(n.Name(), n.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (n *Nsid) Name() string { return "nsid" }

// hasNSID reports whether opt carries an NSID option.
func hasNSID(opt *dns.OPT) bool {
	for _, o := range opt.Option {
		if o.Option() == dns.EDNS0NSID {
			return true
		}
	}
	return false
}

// ResponseWriter puts the NSID option into the reply it writes.
type ResponseWriter struct {
	dns.ResponseWriter
	Data string // hex encoded identifier

	request *dns.Msg
}

// WriteMsg adds the NSID option to res and writes it. A reply without an
// OPT record gets one, sized as the query's, with the DO bit set.
func (w *ResponseWriter) WriteMsg(res *dns.Msg) error {
	opt := res.IsEdns0()
	if opt == nil {
		opt = &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT}}
		opt.SetUDPSize(dns.MinMsgSize)
		if ro := w.request.IsEdns0(); ro != nil {
			opt.SetUDPSize(ro.UDPSize())
		}
		opt.SetDo()
		res.Extra = append(res.Extra, opt)
	}
	// Build a new option list: the old one may be shared with a message
	// someone else still holds (a cache entry, the query).
	opts := make([]dns.EDNS0, 0, len(opt.Option)+1)
	for _, o := range opt.Option {
		if o.Option() != dns.EDNS0NSID {
			opts = append(opts, o)
		}
	}
	opt.Option = append(opts, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: w.Data})
	return w.ResponseWriter.WriteMsg(res)
}
