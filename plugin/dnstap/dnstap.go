// Package dnstap logs the queries a server receives and the responses it
// sends as dnstap messages (https://dnstap.info) to a collector listening on
// a unix, TCP or TLS socket. Other plugins, such as forward, tap their own
// upstream traffic through the same plugin.
package dnstap

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/dnstap/msg"
	"github.com/coredns/coredns/plugin/pkg/replacer"
	"github.com/coredns/coredns/request"

	tap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
)

const name = "dnstap"

// Dnstap is the plugin. Every Dnstap of a server block writes to its own
// collector; consecutive ones form a run in the chain that forward finds.
type Dnstap struct {
	Next plugin.Handler

	// IncludeRawMessage adds the wire format of the DNS message ("full").
	IncludeRawMessage bool
	// Identity and Version fill the fields of the same name in every payload.
	Identity []byte
	Version  []byte
	// ExtraFormat, when set, fills the extra field; it may hold placeholders
	// and metadata labels.
	ExtraFormat string
	// MultipleTcpWriteBuf is the socket write buffer in MiB.
	MultipleTcpWriteBuf int //nolint:revive // name fixed by the CoreDNS API
	// MultipleQueue is the queue length in units of 10000 messages.
	MultipleQueue int

	io   tapper
	repl replacer.Replacer
}

// payloadType is shared, read-only, by every payload.
var payloadType = tap.Dnstap_MESSAGE

// TapMessage sends m to the collector without metadata in extra.
func (h *Dnstap) TapMessage(m *tap.Message) {
	h.send(m, nil)
}

// TapMessageWithMetadata sends m to the collector, with the extra field
// expanded for the query in state.
func (h *Dnstap) TapMessageWithMetadata(ctx context.Context, m *tap.Message, state request.Request) {
	if h.ExtraFormat == "" {
		h.send(m, nil)
		return
	}
	h.send(m, []byte(h.repl.Replace(ctx, state, nil, h.ExtraFormat)))
}

// send wraps m in a payload and queues it.
func (h *Dnstap) send(m *tap.Message, extra []byte) {
	if h.io == nil {
		return
	}
	h.io.Dnstap(&tap.Dnstap{
		Type:     &payloadType,
		Identity: h.Identity,
		Version:  h.Version,
		Extra:    extra,
		Message:  m,
	})
}

// ServeDNS taps the query, then hands it on with a writer that taps the
// response.
func (h *Dnstap) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	rw := &ResponseWriter{
		ResponseWriter: w,
		Dnstap:         h,
		ctx:            ctx,
		query:          r,
		queryTime:      time.Now(),
	}
	// Before the next plugin runs, so that the query is logged ahead of any
	// upstream traffic it causes.
	h.tapQuery(ctx, w, r, rw.queryTime)
	return plugin.NextOrFailure(name, h.Next, ctx, rw, r)
}

// Name implements plugin.Handler.
func (h *Dnstap) Name() string { return name }

// tapQuery sends the CLIENT_QUERY message of r.
func (h *Dnstap) tapQuery(ctx context.Context, w dns.ResponseWriter, r *dns.Msg, start time.Time) {
	m := new(tap.Message)
	msg.SetType(m, tap.Message_CLIENT_QUERY)
	msg.SetQueryTime(m, start)
	setAddresses(m, w)
	if h.IncludeRawMessage {
		if buf, err := r.Pack(); err == nil {
			m.QueryMessage = buf
		}
	}
	h.TapMessageWithMetadata(ctx, m, request.Request{W: w, Req: r})
}

// setAddresses records the client as the query address and this server as
// the response address.
func setAddresses(m *tap.Message, w dns.ResponseWriter) {
	msg.SetQueryAddress(m, w.RemoteAddr())   //nolint:errcheck // left unset for other transports
	msg.SetResponseAddress(m, w.LocalAddr()) //nolint:errcheck // as above
}
