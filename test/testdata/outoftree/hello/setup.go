package hello

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("hello", setup) }

func setup(c *caddy.Controller) error {
	h, err := parse(c)
	if err != nil {
		return plugin.Error("hello", err)
	}
	c.OnStartup(func() error {
		log.Info("ready")
		return nil
	})
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// parse reads
//
//	hello [ZONES...] {
//	    fallthrough [ZONES...]
//	}
func parse(c *caddy.Controller) (Hello, error) {
	var h Hello
	for c.Next() {
		h.Zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			switch c.Val() {
			case "fallthrough":
				h.Fall.SetZonesFromArgs(c.RemainingArgs())
			default:
				return h, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return h, nil
}
