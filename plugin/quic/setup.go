// Package quic sets the options of DNS over QUIC servers.
package quic

import (
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const pluginName = "quic"

func init() { plugin.Register(pluginName, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c, dnsserver.GetConfig(c)); err != nil {
		return plugin.Error(pluginName, err)
	}
	return nil
}

// parse reads "quic { max_streams N; worker_pool_size N; max_connections N }"
// into cfg. Stream and worker limits must be positive.
func parse(c *caddy.Controller, cfg *dnsserver.Config) error {
	seen := false
	for c.Next() {
		if seen {
			return plugin.ErrOnce
		}
		seen = true
		if len(c.RemainingArgs()) > 0 {
			return c.ArgErr()
		}
		for c.NextBlock() {
			switch c.Val() {
			case "max_streams":
				n, err := integer(c, 1)
				if err != nil {
					return err
				}
				cfg.MaxQUICStreams = &n
			case "worker_pool_size":
				n, err := integer(c, 1)
				if err != nil {
					return err
				}
				cfg.MaxQUICWorkerPoolSize = &n
			case "max_connections":
				n, err := integer(c, 0)
				if err != nil {
					return err
				}
				cfg.MaxQUICConnections = &n
			default:
				return c.Errf("unknown property '%s'", c.Val())
			}
		}
	}
	return nil
}

// integer reads the one integer argument, at least least, of the current
// option.
func integer(c *caddy.Controller, least int) (int, error) {
	name := c.Val()
	args := c.RemainingArgs()
	if len(args) != 1 {
		return 0, c.ArgErr()
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Errf("invalid value for %s: %s", name, args[0])
	}
	if n < least {
		if least == 1 {
			return 0, c.Errf("%s must be a positive integer: %s", name, args[0])
		}
		return 0, c.Errf("%s must be a non-negative integer: %s", name, args[0])
	}
	return n, nil
}
