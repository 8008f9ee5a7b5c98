// Package grpc_server sets the options of DNS over gRPC servers.
package grpc_server

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/limits"
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
	return limits.Parse(c,
		limits.Option{Name: "max_streams", Min: 0, Set: func(n int) { cfg.MaxGRPCStreams = &n }},
		limits.Option{Name: "max_connections", Min: 0, Set: func(n int) { cfg.MaxGRPCConnections = &n }},
	)
}
