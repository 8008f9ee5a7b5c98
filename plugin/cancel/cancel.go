package cancel

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Cancel hands the rest of the chain a context that is cancelled once its
// timeout has passed. Plugins can check it with plugin.Done.
type Cancel struct {
	Next    plugin.Handler
	timeout time.Duration
}

// ServeDNS implements the plugin.Handler interface.
func (c Cancel) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return plugin.NextOrFailure(c.Name(), c.Next, ctx, w, r)
}

// Name implements the plugin.Handler interface.
func (c Cancel) Name() string { return name }
