// Package header implements a plugin that sets or clears flags in the
// header of queries, before the rest of the chain sees them, and of
// responses, before the client does.
package header

import (
	"context"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// flag is one header bit the plugin can change.
type flag uint8

const (
	flagAA flag = 1 << iota // authoritative answer
	flagRA                  // recursion available
	flagRD                  // recursion desired
)

var flagNames = map[string]flag{"aa": flagAA, "ra": flagRA, "rd": flagRD}

// Rules is the net effect of a list of set and clear actions: the flags
// to set and the flags to clear. A later action overrides an earlier one
// for the same flag.
type Rules struct {
	set, clear flag
}

// add records that f is to be set (or cleared), overriding earlier actions.
func (r *Rules) add(f flag, set bool) {
	if set {
		r.set |= f
		r.clear &^= f
	} else {
		r.clear |= f
		r.set &^= f
	}
}

// empty reports whether the rules change nothing.
func (r Rules) empty() bool { return r.set == 0 && r.clear == 0 }

// apply changes the flags of h.
func (r Rules) apply(h *dns.MsgHdr) {
	if r.set&flagAA != 0 {
		h.Authoritative = true
	} else if r.clear&flagAA != 0 {
		h.Authoritative = false
	}
	if r.set&flagRA != 0 {
		h.RecursionAvailable = true
	} else if r.clear&flagRA != 0 {
		h.RecursionAvailable = false
	}
	if r.set&flagRD != 0 {
		h.RecursionDesired = true
	} else if r.clear&flagRD != 0 {
		h.RecursionDesired = false
	}
}

// Header modifies the header flags of queries and responses.
type Header struct {
	Next     plugin.Handler
	query    Rules
	response Rules
}

// ServeDNS implements plugin.Handler.
func (h *Header) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	h.query.apply(&r.MsgHdr)
	if !h.response.empty() {
		w = &responseWriter{ResponseWriter: w, rules: h.response}
	}
	return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (h *Header) Name() string { return "header" }

// responseWriter applies the response rules to every message written.
type responseWriter struct {
	dns.ResponseWriter
	rules Rules
}

// WriteMsg changes the flags of m and writes it.
func (w *responseWriter) WriteMsg(m *dns.Msg) error {
	w.rules.apply(&m.MsgHdr)
	return w.ResponseWriter.WriteMsg(m)
}
