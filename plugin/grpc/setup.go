package grpc

import (
	"path/filepath"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/parse"
	pkgtls "github.com/coredns/coredns/plugin/pkg/tls"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

func init() { plugin.Register("grpc", setup) }

func setup(c *caddy.Controller) error {
	g, err := parseGRPC(c)
	if err != nil {
		return plugin.Error("grpc", err)
	}

	cfg := dnsserver.GetConfig(c)
	c.OnShutdown(g.OnShutdown)

	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		g.Next = next
		return g
	})
	return nil
}

// parseGRPC reads the one grpc directive a server block may have.
func parseGRPC(c *caddy.Controller) (*GRPC, error) {
	var g *GRPC
	for c.Next() {
		if g != nil {
			return nil, plugin.ErrOnce
		}
		var err error
		if g, err = parseStanza(c); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// parseStanza reads "grpc FROM TO... { ... }" into a GRPC with its proxies
// made (their connections open on first use).
func parseStanza(c *caddy.Controller) (*GRPC, error) {
	g := newGRPC()

	if !c.Args(&g.from) {
		return nil, c.ArgErr()
	}
	zones := plugin.Host(g.from).NormalizeExact()
	if len(zones) == 0 {
		return nil, c.Errf("unable to normalize '%s'", g.from)
	}
	g.from = zones[0] // a CIDR may expand to several zones: the first is used

	to := c.RemainingArgs()
	if len(to) == 0 {
		return nil, c.ArgErr()
	}
	addrs, err := parseUpstreams(c, to)
	if err != nil {
		return nil, err
	}

	for c.NextBlock() {
		if err := parseBlock(c, g); err != nil {
			return nil, err
		}
	}

	if g.tlsServerName != "" {
		if g.tlsConfig == nil {
			// tls_servername alone still means TLS, verified by the system roots.
			if g.tlsConfig, err = pkgtls.NewTLSConfigFromArgs(); err != nil {
				return nil, c.Errf("%s", err)
			}
		}
		g.tlsConfig.ServerName = g.tlsServerName
	}

	for _, addr := range addrs {
		p, err := newProxy(addr, g.tlsConfig)
		if err != nil {
			g.OnShutdown() //nolint:errcheck // already failing
			return nil, c.Errf("upstream %q: %s", addr, err)
		}
		g.proxies = append(g.proxies, p)
	}
	return g, nil
}

// parseUpstreams turns the TO arguments into "host:port" addresses: IP
// addresses, optionally with a port and a grpc:// prefix, or resolv.conf
// style files whose nameservers are used.
func parseUpstreams(c *caddy.Controller, to []string) ([]string, error) {
	hosts, err := parse.HostPortOrFile(to...)
	if err != nil {
		return nil, c.Errf("%s", err)
	}
	addrs := make([]string, 0, len(hosts))
	for _, h := range hosts {
		trans, addr := parse.Transport(h)
		switch trans {
		case transport.DNS, transport.GRPC:
		default:
			return nil, c.Errf("unsupported transport %q in %q: want an address or grpc://", trans, h)
		}
		addrs = append(addrs, addr)
	}
	if len(addrs) > maxUpstreams {
		return nil, c.Errf("more than %d TOs configured: %d", maxUpstreams, len(addrs))
	}
	return addrs, nil
}

// parseBlock reads one property of the grpc block.
func parseBlock(c *caddy.Controller, g *GRPC) error {
	switch c.Val() {
	case "except":
		names := c.RemainingArgs()
		if len(names) == 0 {
			return c.ArgErr()
		}
		for _, n := range names {
			g.ignored = append(g.ignored, plugin.Host(n).NormalizeExact()...)
		}
	case "tls":
		args := c.RemainingArgs()
		if len(args) > 3 {
			return c.ArgErr()
		}
		root := dnsserver.GetConfig(c).Root
		for i := range args {
			if root != "" && !filepath.IsAbs(args[i]) {
				args[i] = filepath.Join(root, args[i])
			}
		}
		tc, err := pkgtls.NewTLSConfigFromArgs(args...)
		if err != nil {
			return c.Errf("%s", err)
		}
		g.tlsConfig = tc
	case "tls_servername":
		if !c.NextArg() {
			return c.ArgErr()
		}
		g.tlsServerName = c.Val()
		if c.NextArg() {
			return c.ArgErr()
		}
	case "policy":
		if !c.NextArg() {
			return c.ArgErr()
		}
		p, ok := policyNames[c.Val()]
		if !ok {
			return c.Errf("unknown policy '%s'", c.Val())
		}
		g.policy = p
		if c.NextArg() {
			return c.ArgErr()
		}
	case "fallthrough":
		g.Fall.SetZonesFromArgs(c.RemainingArgs())
	default:
		return c.Errf("unknown property '%s'", c.Val())
	}
	return nil
}
