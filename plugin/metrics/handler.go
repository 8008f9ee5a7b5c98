package metrics

import (
	"context"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/rcode"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ServeDNS implements plugin.Handler. It runs the rest of the chain with a
// Recorder as writer and then reports the query under the zone of this server
// block that matches it.
func (m *Metrics) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}

	zone := plugin.Zones(m.zoneList()).Matches(state.QName())
	if zone == "" {
		zone = "."
	}
	// Plugins further down may rewrite the query; report its size as it
	// arrived.
	size := r.Len()

	rw := NewRecorder(w)
	if m.Next != nil {
		// Credit the next plugin until a deeper one says otherwise (see
		// Recorder).
		rw.SetPlugin(m.Next.Name())
	}
	status, err := plugin.NextOrFailure(m.Name(), m.Next, ctx, rw, r)

	rc := rw.Rcode
	if !plugin.ClientWrite(status) {
		// Nothing was written: the server replies with status as rcode.
		rc = status
	}
	vars.Report(WithServer(ctx), state, zone, WithView(ctx), rcode.ToString(rc), rw.GetPlugin(), rw.Len, rw.Start, vars.WithOriginalReqSize(size))
	return status, err
}

// WithServer returns the address of the server answering the query in ctx,
// as "transport://host:port", or "" when ctx carries no server.
func WithServer(ctx context.Context) string {
	srv, ok := ctx.Value(dnsserver.Key{}).(*dnsserver.Server)
	if !ok || srv == nil {
		return ""
	}
	return srv.Addr
}

// WithView returns the name of the view serving the query in ctx, or "".
func WithView(ctx context.Context) string {
	v, _ := ctx.Value(dnsserver.ViewKey{}).(string)
	return v
}
