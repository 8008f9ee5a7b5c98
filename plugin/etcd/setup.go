package etcd

import (
	"crypto/tls"
	"fmt"
	"path/filepath"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	mwtls "github.com/coredns/coredns/plugin/pkg/tls"
	"github.com/coredns/coredns/plugin/pkg/upstream"

	etcdcv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

const defaultEndpoint = "http://localhost:2379"

func init() { plugin.Register("etcd", setup) }

func setup(c *caddy.Controller) error {
	e, cfg, err := etcdParse(c)
	if err != nil {
		return plugin.Error("etcd", err)
	}
	client, err := newEtcdClient(cfg)
	if err != nil {
		return plugin.Error("etcd", fmt.Errorf("etcd client for %v: %w", cfg.endpoints, err))
	}
	e.Client = client
	c.OnShutdown(client.Close)

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		e.Next = next
		return e
	})
	return nil
}

// clientConfig is what the Corefile says about reaching etcd.
type clientConfig struct {
	endpoints          []string
	tls                *tls.Config
	username, password string
}

// etcdParse parses one etcd block; the client is made by the caller.
func etcdParse(c *caddy.Controller) (*Etcd, clientConfig, error) {
	e := &Etcd{PathPrefix: "skydns", Upstream: upstream.New()}
	cfg := clientConfig{endpoints: []string{defaultEndpoint}}

	i := 0
	for c.Next() {
		if i > 0 {
			return nil, cfg, plugin.ErrOnce
		}
		i++
		e.Zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			if err := parseOption(c, e, &cfg); err != nil {
				return nil, cfg, err
			}
		}
	}
	e.endpoints = cfg.endpoints
	return e, cfg, nil
}

// parseOption parses the option c is on into e and cfg.
func parseOption(c *caddy.Controller, e *Etcd, cfg *clientConfig) error {
	switch c.Val() {
	case "fallthrough":
		e.Fall.SetZonesFromArgs(c.RemainingArgs())
	case "path":
		if !c.NextArg() {
			return c.ArgErr()
		}
		e.PathPrefix = c.Val()
		if c.NextArg() {
			return c.ArgErr()
		}
	case "endpoint":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.ArgErr()
		}
		cfg.endpoints = args
	case "credentials":
		args := c.RemainingArgs()
		if len(args) != 2 {
			return c.Errf("credentials requires 2 arguments, username and password")
		}
		cfg.username, cfg.password = args[0], args[1]
	case "tls": // [CERT KEY] [CACERT]
		args := c.RemainingArgs()
		root := dnsserver.GetConfig(c).Root
		for i := range args {
			if !filepath.IsAbs(args[i]) && root != "" {
				args[i] = filepath.Join(root, args[i])
			}
		}
		tc, err := mwtls.NewTLSConfigFromArgs(args...)
		if err != nil {
			return c.Errf("tls: %v", err)
		}
		cfg.tls = tc
	case "stubzones", "debug":
		// Options of older releases, accepted and ignored.
		if c.NextArg() {
			return c.ArgErr()
		}
	case "upstream":
		// Older releases named resolvers here; CNAME targets are now
		// always resolved through this server.
		c.RemainingArgs()
	default:
		return c.Errf("unknown property '%s'", c.Val())
	}
	return nil
}

// newEtcdClient makes the etcd client. Connecting happens in the background,
// but with credentials the client authenticates now, waiting at most
// etcdTimeout for etcd to answer.
func newEtcdClient(cfg clientConfig) (*etcdcv3.Client, error) {
	return etcdcv3.New(etcdcv3.Config{
		Endpoints:         cfg.endpoints,
		TLS:               cfg.tls,
		Username:          cfg.username,
		Password:          cfg.password,
		DialTimeout:       etcdTimeout,
		DialKeepAliveTime: etcdTimeout,
		Logger:            zap.NewNop(),
	})
}
