// Package minimal trims positive replies down to their answer section,
// dropping the authority and additional records a client rarely needs.
package minimal

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/response"

	"github.com/miekg/dns"
)

// Minimal strips the authority and additional sections from positive
// (NOERROR with data) replies written by the plugins after it. Negative
// answers, delegations and errors are written unchanged, because there the
// other sections carry the meaning (the SOA, the referral, the glue).
type Minimal struct {
	Next plugin.Handler
}

// ServeDNS implements plugin.Handler.
func (m Minimal) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	mw := &ResponseWriter{ResponseWriter: w}
	return plugin.NextOrFailure(m.Name(), m.Next, ctx, mw, r)
}

// Name implements plugin.Handler.
func (m Minimal) Name() string { return "minimal" }

// ResponseWriter trims the replies it writes.
type ResponseWriter struct {
	dns.ResponseWriter
}

// WriteMsg writes res, minus its authority and additional records when it is
// a positive answer. The OPT and TSIG pseudo records stay.
func (w *ResponseWriter) WriteMsg(res *dns.Msg) error {
	if t, _ := response.Typify(res, time.Now().UTC()); t != response.NoError {
		return w.ResponseWriter.WriteMsg(res)
	}
	// Copy the header and sections rather than edit res: it may be shared
	// (a cache entry, a zone's precomputed reply).
	d := new(dns.Msg)
	d.MsgHdr = res.MsgHdr
	d.Compress = res.Compress
	d.Question = res.Question
	d.Answer = res.Answer
	d.Extra = pseudo(res.Extra)
	return w.ResponseWriter.WriteMsg(d)
}

// pseudo returns the OPT and TSIG records of extra, or nil when there are
// none.
func pseudo(extra []dns.RR) []dns.RR {
	var keep []dns.RR
	for _, rr := range extra {
		switch rr.Header().Rrtype {
		case dns.TypeOPT, dns.TypeTSIG:
			keep = append(keep, rr)
		}
	}
	return keep
}
