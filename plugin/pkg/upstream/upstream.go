// Package upstream resolves names by sending a query through the server's
// own plugin chains, as a client would reach them.
package upstream

import (
	"context"
	"errors"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/nonwriter"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Upstream looks names up through the server that received the query.
type Upstream struct{}

// New returns an Upstream.
func New() *Upstream { return &Upstream{} }

var errNoServer = errors.New("no DNS server in context")

// Lookup asks the server in ctx for name/typ on behalf of state's client
// and returns the response.
func (u *Upstream) Lookup(ctx context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	server, ok := ctx.Value(dnsserver.Key{}).(*dnsserver.Server)
	if !ok || server == nil {
		return nil, errNoServer
	}
	req := state.NewWithQuestion(name, typ)
	nw := nonwriter.New(state.W)
	server.ServeDNS(ctx, nw, req.Req)
	if nw.Msg == nil {
		return nil, errors.New("no response for " + name)
	}
	return nw.Msg, nil
}
