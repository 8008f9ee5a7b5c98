// Package cancel implements the cancel plugin, which gives every query a
// context that expires after a timeout.
package cancel

import (
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const name = "cancel"

// defaultTimeout is just over the 5s most DNS clients wait before giving up.
const defaultTimeout = 5001 * time.Millisecond

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	timeout, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return Cancel{Next: next, timeout: timeout}
	})
	return nil
}

func parse(c *caddy.Controller) (time.Duration, error) {
	timeout := defaultTimeout
	for c.Next() {
		args := c.RemainingArgs()
		switch len(args) {
		case 0:
			timeout = defaultTimeout
		case 1:
			d, err := time.ParseDuration(args[0])
			if err != nil {
				return 0, c.Errf("invalid duration: %q", args[0])
			}
			if d <= 0 {
				return 0, c.Errf("invalid negative duration: %q", args[0])
			}
			timeout = d
		default:
			return 0, c.ArgErr()
		}
		if c.NextArg() { // only a "{" can be left on the line
			return 0, c.Err("cancel takes no block")
		}
	}
	return timeout, nil
}
