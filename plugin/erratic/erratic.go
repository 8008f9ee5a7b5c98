// Package erratic implements the erratic plugin, a test aid that answers A and
// AAAA queries with fixed addresses and drops, truncates or delays some of
// the replies.
package erratic

import (
	"context"
	"net"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Fixed answers: documentation addresses from RFC 5737 and RFC 3849.
var (
	answerA    = net.IPv4(192, 0, 2, 53).To4()
	answerAAAA = net.ParseIP("2001:db8::53")
)

// largeExtra is how many more A records a "large" answer has, enough to
// push the reply over 512 bytes.
const largeExtra = 32

// Erratic answers every A and AAAA query itself and misbehaves on purpose:
// it drops, truncates or delays one in every so many replies.
type Erratic struct {
	drop     uint64 // drop one in drop queries; 0 never
	delay    uint64 // delay one in delay queries by duration; 0 never
	truncate uint64 // set TC on some replies, see ServeDNS; 0 never
	duration time.Duration
	large    bool // undocumented: make A answers bigger than 512 bytes

	q atomic.Uint64 // queries seen
}

// ServeDNS implements the plugin.Handler interface.
func (e *Erratic) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	n := e.q.Add(1) - 1 // the first query is number 0

	drop := e.drop > 0 && n%e.drop == 0
	delay := e.delay > 0 && n%e.delay == 0
	// CoreDNS tests the truncate amount with a bitwise AND rather than a
	// modulo; clients that depend on which replies are truncated see the same
	// pattern here.
	trunc := e.truncate > 0 && n&e.truncate == 0

	if drop {
		return 0, nil
	}
	if delay && !wait(ctx, e.duration) {
		return 0, nil
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Truncated = trunc

	switch state.QType() {
	case dns.TypeA:
		m.Answer = e.addressA(state.QName())
	case dns.TypeAAAA:
		m.Answer = []dns.RR{&dns.AAAA{Hdr: header(state.QName(), dns.TypeAAAA), AAAA: answerAAAA}}
	case dns.TypeAXFR:
		return xfr(w, r, state.Name(), trunc)
	default:
		return dns.RcodeServerFailure, nil
	}
	w.WriteMsg(m) //nolint:errcheck // nothing to do when the client is gone
	return 0, nil
}

// Name implements the plugin.Handler interface.
func (e *Erratic) Name() string { return name }

func (e *Erratic) addressA(qname string) []dns.RR {
	rrs := []dns.RR{&dns.A{Hdr: header(qname, dns.TypeA), A: answerA}}
	if !e.large {
		return rrs
	}
	for i := range largeExtra {
		rrs = append(rrs, &dns.A{Hdr: header(qname, dns.TypeA), A: net.IPv4(192, 0, 2, byte(i+1)).To4()})
	}
	return rrs
}

func header(name string, rrtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: rrtype, Class: dns.ClassINET}
}

// wait sleeps for d, and reports false when ctx ended first.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
