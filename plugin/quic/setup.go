// Package quic sets the options of DNS over QUIC servers.
package quic

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/limits"
)

const pluginName = "quic"

func init() { plugin.Register(pluginName, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c, dnsserver.GetConfig(c)); err != nil {
		return plugin.Error(pluginName, err)
	}
	return nil
}

// parse reads "quic { max_streams N; worker_pool_size N; max_connections N }" into cfg.
func parse(c *caddy.Controller, cfg *dnsserver.Config) error {
	return limits.Parse(c,
		limits.Option{Name: "max_streams", Min: 1, Set: func(n int) { cfg.MaxQUICStreams = &n }},
		limits.Option{Name: "worker_pool_size", Min: 1, Set: func(n int) { cfg.MaxQUICWorkerPoolSize = &n }},
		limits.Option{Name: "max_connections", Min: 0, Set: func(n int) { cfg.MaxQUICConnections = &n }},
	)
}
