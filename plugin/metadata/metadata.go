package metadata

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Metadata gathers the values of every Provider of its server block into
// the context of each query, before the plugin chain runs.
type Metadata struct {
	Zones     []string
	Providers []Provider
	Next      plugin.Handler
}

// Name implements plugin.Handler.
func (m *Metadata) Name() string { return "metadata" }

// ServeDNS implements plugin.Handler. The collecting happens in Collect, which
// the server calls first, so here the query just moves on.
func (m *Metadata) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(m.Name(), m.Next, ctx, w, r)
}

// Collect implements dnsserver.MetadataCollector. It gives ctx a metadata
// store and, when the query name is in one of the plugin's zones, lets every
// provider fill it.
func (m *Metadata) Collect(ctx context.Context, state request.Request) context.Context {
	ctx = ContextWithMetadata(ctx)
	if plugin.Zones(m.Zones).Matches(state.Name()) == "" {
		return ctx
	}
	for _, p := range m.Providers {
		ctx = p.Metadata(ctx, state)
	}
	return ctx
}
