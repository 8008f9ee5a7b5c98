// Package bufsize caps the EDNS0 UDP buffer size a query advertises, so that
// replies stay small enough to avoid IP fragmentation.
package bufsize

import (
	"context"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Bufsize lowers the advertised buffer size of queries to Size. Queries that
// advertise less, or have no OPT record, pass unchanged.
type Bufsize struct {
	Next plugin.Handler
	Size int
}

// ServeDNS implements plugin.Handler. The query's OPT record is changed in
// place, so every later plugin, and the final sizing of the reply, sees the
// lower limit.
func (b Bufsize) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if opt := r.IsEdns0(); opt != nil && int(opt.UDPSize()) > b.Size {
		opt.SetUDPSize(uint16(b.Size)) //nolint:gosec // Size is checked to be 512..4096 in setup
	}
	return plugin.NextOrFailure(b.Name(), b.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (b Bufsize) Name() string { return "bufsize" }
