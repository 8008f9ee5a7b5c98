package shed

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const name = "shed"

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c); err != nil {
		return plugin.Error(name, err)
	}
	reg := registryFor(c)
	cfg := dnsserver.GetConfig(c)
	cfg.UDPDecorateWriterFunc = reg.decorator
	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		return &Shed{Next: next, reg: reg}
	})
	return nil
}

// parse accepts "shed" alone, once per server block.
func parse(c *caddy.Controller) error {
	seen := false
	for c.Next() {
		if seen {
			return c.Err(plugin.ErrOnce.Error())
		}
		seen = true
		if c.NextArg() {
			if c.Val() == "{" {
				return c.Err("shed takes no block")
			}
			return c.Errf("shed takes no arguments, got %q", c.Val())
		}
	}
	return nil
}

type registryKey struct{}

// registryFor returns the socket registry of c's instance, shared by the
// server blocks using shed, and creates it on first use.
func registryFor(c *caddy.Controller) *registry {
	if r, ok := c.Get(registryKey{}).(*registry); ok {
		return r
	}
	r := newRegistry()
	c.Set(registryKey{}, r)
	// After a reload the old instance's servers are stopped before its
	// shutdown callbacks run, so nothing is left to write through them.
	c.OnShutdown(r.shutdown)
	return r
}
