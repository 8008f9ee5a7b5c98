// Package grpc_server sets the options of DNS over gRPC servers.
package grpc_server

import (
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const pluginName = "grpc_server"

func init() { plugin.Register(pluginName, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c, dnsserver.GetConfig(c)); err != nil {
		return plugin.Error(pluginName, err)
	}
	return nil
}

// parse reads "grpc_server { max_streams N; max_connections N }" into cfg.
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
				n, err := nonNegative(c)
				if err != nil {
					return err
				}
				cfg.MaxGRPCStreams = &n
			case "max_connections":
				n, err := nonNegative(c)
				if err != nil {
					return err
				}
				cfg.MaxGRPCConnections = &n
			default:
				return c.Errf("unknown property '%s'", c.Val())
			}
		}
	}
	return nil
}

// nonNegative reads the one integer argument of the current option.
func nonNegative(c *caddy.Controller) (int, error) {
	name := c.Val()
	args := c.RemainingArgs()
	if len(args) != 1 {
		return 0, c.ArgErr()
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return 0, c.Errf("%s must be a non-negative integer: %s", name, args[0])
	}
	return n, nil
}
