// Package autopath implements the autopath plugin: server-side completion of
// a client's search path. A query for a name under the first element of the
// client's search path is retried, through the rest of the chain, with each
// following search element (and finally as the bare name); the first answer
// that is not NXDOMAIN is returned, behind a CNAME from the name asked for.
package autopath

import (
	"context"
	"strings"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/nonwriter"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// AutoPather is implemented by plugins (kubernetes) that can compute a client's search path.
type AutoPather interface {
	AutoPath(request.Request) []string // search path for the client of state, or nil if unknown; last element "" means "try the bare name too"
}

// Func returns the search path for the client of a request, as AutoPather
// does.
type Func func(request.Request) []string

// AutoPath is the autopath handler.
type AutoPath struct {
	Next  plugin.Handler
	Zones []string

	// search is the fixed search path read from a resolv.conf file, ending
	// in "" for the bare name; searchFunc, when set, gives one per query.
	search     []string
	searchFunc Func
}

// ServeDNS implements plugin.Handler.
func (a *AutoPath) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	name := state.Name()
	if plugin.Zones(a.Zones).Matches(name) == "" {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}

	search := a.search
	if a.searchFunc != nil {
		search = a.searchFunc(state)
	}
	base, ok := firstInSearchPath(name, search)
	if !ok {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}

	original := r.Question[0].Name
	defer func() { r.Question[0].Name = original }()

	var (
		firstReply *dns.Msg
		firstRcode int
	)
	for i, s := range search {
		if i > 0 { // the first element is the name asked for, as it was asked
			r.Question[0].Name = expand(base, s)
		}
		nw := nonwriter.New(w)
		rcode, err := plugin.NextOrFailure(a.Name(), a.Next, ctx, nw, r)
		if err != nil {
			// Give up on the search: the error is for the name we asked.
			return rcode, err
		}
		if i == 0 {
			firstReply, firstRcode = nw.Msg, rcode
		}
		if !plugin.ClientWrite(rcode) || nw.Msg == nil || nw.Msg.Rcode == dns.RcodeNameError {
			continue
		}

		reply := nw.Msg
		cname(reply, original)
		// Counted before the reply leaves, so whoever sees the reply sees the count.
		autoPathCount.WithLabelValues(metrics.WithServer(ctx)).Inc()
		w.WriteMsg(reply) //nolint:errcheck // the client may be gone; nothing to do
		return rcode, nil
	}

	// Nothing found: answer as the name asked for would have been answered.
	if !plugin.ClientWrite(firstRcode) || firstReply == nil {
		return firstRcode, nil
	}
	firstReply.Question[0].Name = original
	w.WriteMsg(firstReply) //nolint:errcheck // the client may be gone; nothing to do
	return firstRcode, nil
}

// Name implements plugin.Handler.
func (a *AutoPath) Name() string { return "autopath" }

// firstInSearchPath reports whether name lies below the first element of
// search and, if so, returns what comes before that element (without the
// dot). The name of the element itself does not qualify: it has nothing to
// complete.
func firstInSearchPath(name string, search []string) (string, bool) {
	if len(search) == 0 || search[0] == "" {
		return "", false
	}
	first := search[0]
	if !dns.IsFqdn(first) {
		first += "."
	}
	if len(name) <= len(first)+1 || !dns.IsSubDomain(first, name) {
		return "", false
	}
	// The suffix is first and one dot precedes it.
	n := len(first) + 1
	return name[:len(name)-n], true
}

// expand joins base and a search element; "" stands for the bare name.
func expand(base, s string) string {
	switch {
	case s == "" || s == ".":
		return base + "."
	case !dns.IsFqdn(s):
		return base + "." + s + "."
	}
	return base + "." + s
}

// cname makes reply an answer for original: when the answer's first record
// that is not owned by original is found, a CNAME from original to that
// record's owner, with its TTL, is put in front of the answer.
func cname(reply *dns.Msg, original string) {
	for _, rr := range reply.Answer {
		hdr := rr.Header()
		if strings.EqualFold(hdr.Name, original) {
			continue
		}
		c := &dns.CNAME{
			Hdr:    dns.RR_Header{Name: original, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: hdr.Ttl},
			Target: hdr.Name,
		}
		reply.Answer = append(reply.Answer, nil)
		copy(reply.Answer[1:], reply.Answer)
		reply.Answer[0] = c
		break
	}
	if len(reply.Question) > 0 {
		reply.Question[0].Name = original
	}
}
