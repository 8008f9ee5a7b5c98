// Package timeouts implements the timeouts plugin, which sets the read, write
// and idle timeouts of the server's stream (TCP, TLS, HTTPS, QUIC) listeners.
package timeouts

import (
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/durations"
)

const name = "timeouts"

// Bounds of every timeout.
const (
	minTimeout = time.Second
	maxTimeout = 24 * time.Hour
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c, dnsserver.GetConfig(c)); err != nil {
		return plugin.Error(name, err)
	}
	return nil
}

// parse reads the timeouts block(s) into cfg.
func parse(c *caddy.Controller, cfg *dnsserver.Config) error {
	for c.Next() {
		if len(c.RemainingArgs()) > 0 {
			return c.ArgErr()
		}
		set := 0
		for c.NextBlock() {
			var dst *time.Duration
			switch c.Val() {
			case "read":
				dst = &cfg.ReadTimeout
			case "write":
				dst = &cfg.WriteTimeout
			case "idle":
				dst = &cfg.IdleTimeout
			default:
				return c.Errf("unknown option: %q", c.Val())
			}
			args := c.RemainingArgs()
			if len(args) != 1 {
				return c.ArgErr()
			}
			d, err := durations.NewDurationFromArg(args[0])
			if err != nil {
				return c.Err(err.Error())
			}
			if d < minTimeout || d > maxTimeout {
				return c.Errf("timeout provided %q needs to be between 1 second and 24 hours", args[0])
			}
			*dst = d
			set++
		}
		if set == 0 {
			return c.Err("timeouts block with no timeouts specified")
		}
	}
	return nil
}
