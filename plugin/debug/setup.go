// Package debug implements the debug plugin, which turns off panic recovery
// and turns on debug logging, and offers hex dumps of DNS messages for the
// debug log.
package debug

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("debug", setup) }

func setup(c *caddy.Controller) error {
	cfg := dnsserver.GetConfig(c)
	for c.Next() {
		if c.NextArg() {
			return plugin.Error("debug", c.ArgErr())
		}
		cfg.Debug = true
	}
	return nil
}
