// Package auto implements the auto plugin: it serves every zone file found
// in a directory whose name matches a pattern, and follows files being
// added, changed and removed while it runs.
package auto

import (
	"context"
	"regexp"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/plugin/transfer"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("auto")

// Auto is the auto plugin.
type Auto struct {
	Next plugin.Handler
	*Zones

	loader
	transfer *transfer.Transfer // set at start-up when the chain has one
}

// loader says where zone files are found and how their origins are named.
type loader struct {
	directory string
	re        *regexp.Regexp // matched against file names
	template  string         // origin template, in regexp.Expand syntax

	// ReloadInterval is how often the directory is scanned and each zone
	// file checked for a new serial; 0 turns both off.
	ReloadInterval time.Duration
	upstream       *upstream.Upstream
}

// ServeDNS implements plugin.Handler.
func (a Auto) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()

	// Names outside the configured zones, or in them but in no zone loaded
	// from the directory, are not ours.
	if plugin.Zones(a.Zones.origins).Matches(qname) == "" {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}
	zone, z := a.Zones.match(qname)
	if zone == "" {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}
	if z == nil {
		return dns.RcodeServerFailure, nil
	}

	// Transfers belong to the transfer plugin; reaching here means it did
	// not allow this one.
	if qt := state.QType(); qt == dns.TypeAXFR || qt == dns.TypeIXFR {
		return dns.RcodeRefused, nil
	}

	answer, ns, extra, result := z.Lookup(ctx, state, qname)

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer, m.Ns, m.Extra = answer, ns, extra

	switch result {
	case file.NameError:
		m.Rcode = dns.RcodeNameError
	case file.Delegation:
		m.Authoritative = false
	case file.ServerFailure:
		// As file does: a CNAME already found is still sent along.
		if len(m.Answer) == 0 {
			return dns.RcodeServerFailure, nil
		}
		m.Rcode = dns.RcodeServerFailure
	}

	w.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (a Auto) Name() string { return "auto" }

// Transfer implements transfer.Transferer: it streams a zone loaded from the
// directory.
func (a Auto) Transfer(zone string, serial uint32) (<-chan []dns.RR, error) {
	z := a.Zones.get(zone)
	if z == nil {
		return nil, transfer.ErrNotAuthoritative
	}
	return z.Transfer(serial)
}
