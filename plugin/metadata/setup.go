package metadata

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("metadata", setup) }

func setup(c *caddy.Controller) error {
	m, err := parse(c)
	if err != nil {
		return plugin.Error("metadata", err)
	}

	cfg := dnsserver.GetConfig(c)
	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		m.Next = next
		return m
	})

	// The chain, and with it the handler registry, exists only once the
	// servers are built; the providers are looked up then.
	c.OnStartup(func() error {
		m.Providers = m.Providers[:0]
		for _, h := range cfg.Handlers() {
			if p, ok := h.(Provider); ok {
				m.Providers = append(m.Providers, p)
			}
		}
		return nil
	})
	return nil
}

// parse reads "metadata [ZONES...]".
func parse(c *caddy.Controller) (*Metadata, error) {
	c.Next() // "metadata"
	args := c.RemainingArgs()
	for _, a := range args {
		if _, err := plugin.Host(a).MustNormalize(); err != nil {
			return nil, c.Errf("%v", err)
		}
	}
	m := &Metadata{Zones: plugin.OriginsFromArgsOrServerBlock(args, c.ServerBlockKeys)}
	if c.NextBlock() {
		return nil, c.Errf("unexpected block: metadata takes no options")
	}
	if c.Next() {
		return nil, c.Err(plugin.ErrOnce.Error())
	}
	return m, nil
}
