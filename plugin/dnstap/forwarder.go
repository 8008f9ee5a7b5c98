package dnstap

import (
	"context"
	"net"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/dnstap/msg"
	"github.com/coredns/coredns/request"

	tap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
)

// Taps returns the dnstap plugins of a chain: h and the dnstap plugins that
// directly follow it. It is empty when h is not a dnstap plugin. A plugin
// that sends queries upstream looks up the "dnstap" handler of its server
// block once the chain is built (OnStartup) and keeps this list.
func Taps(h plugin.Handler) []*Dnstap {
	var taps []*Dnstap
	for {
		d, ok := h.(*Dnstap)
		if !ok || d == nil {
			return taps
		}
		taps = append(taps, d)
		h = d.Next
	}
}

// TapForwarder logs a query sent upstream as a FORWARDER_QUERY message and,
// when reply is not nil, the reply as a FORWARDER_RESPONSE message. state is
// the query as sent, upstream the address it was sent to (a *net.UDPAddr or
// *net.TCPAddr, by the transport used) and start the time it was sent. As in
// CoreDNS, the query address is that of the client of this server.
func (h *Dnstap) TapForwarder(ctx context.Context, state request.Request, upstream net.Addr, reply *dns.Msg, start time.Time) {
	q := new(tap.Message)
	msg.SetType(q, tap.Message_FORWARDER_QUERY)
	msg.SetQueryTime(q, start)
	forwarderAddresses(q, state, upstream)
	if h.IncludeRawMessage {
		q.QueryMessage, _ = state.Req.Pack()
	}
	h.TapMessageWithMetadata(ctx, q, state)

	if reply == nil {
		return
	}
	r := new(tap.Message)
	msg.SetType(r, tap.Message_FORWARDER_RESPONSE)
	msg.SetQueryTime(r, start)
	msg.SetResponseTime(r, time.Now())
	forwarderAddresses(r, state, upstream)
	if h.IncludeRawMessage {
		r.ResponseMessage, _ = reply.Pack()
	}
	h.TapMessageWithMetadata(ctx, r, state)
}

// forwarderAddresses sets the client as query address and upstream as
// response address; the socket protocol is the upstream one.
func forwarderAddresses(m *tap.Message, state request.Request, upstream net.Addr) {
	msg.SetQueryAddress(m, state.W.RemoteAddr()) //nolint:errcheck // left unset for other transports
	msg.SetResponseAddress(m, upstream)          //nolint:errcheck // as above
}
