package pprof

import (
	"net"
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	h, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	c.OnStartup(h.OnStartup)
	c.OnShutdown(h.OnShutdown)
	return nil
}

// parse reads "pprof [ADDRESS] { block [RATE] }", once per server block.
func parse(c *caddy.Controller) (*handler, error) {
	h := &handler{addr: defaultAddr}
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			if _, _, err := net.SplitHostPort(args[0]); err != nil {
				return nil, c.Errf("invalid address %q: %s", args[0], err)
			}
			h.addr = args[0]
		default:
			return nil, c.ArgErr()
		}

		for c.NextBlock() {
			switch c.Val() {
			case "block":
				args := c.RemainingArgs()
				switch len(args) {
				case 0:
					h.blockRate = 1
				case 1:
					n, err := strconv.Atoi(args[0])
					if err != nil || n < 1 {
						return nil, c.Errf("invalid block profile rate %q: want a positive integer", args[0])
					}
					h.blockRate = n
				default:
					return nil, c.ArgErr()
				}
			default:
				return nil, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return h, nil
}
