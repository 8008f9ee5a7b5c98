package any

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("any", setup) }

func setup(c *caddy.Controller) error {
	for c.Next() { // "any", once per occurrence in the block
		if c.NextArg() { // an argument, or the "{" of a block
			return plugin.Error("any", c.ArgErr())
		}
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return Any{Next: next}
	})
	return nil
}
