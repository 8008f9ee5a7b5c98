package geoip

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("geoip", setup) }

func setup(c *caddy.Controller) error {
	g, err := parse(c)
	if err != nil {
		return plugin.Error("geoip", err)
	}
	c.OnShutdown(g.Close)

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		g.Next = next
		return g
	})
	return nil
}

// config is what the Corefile says.
type config struct {
	path       string
	ednsSubnet bool
}

// parse reads "geoip DBFILE [{ edns-subnet }]" and opens the database.
func parse(c *caddy.Controller) (*GeoIP, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	g, err := newGeoIP(cfg.path, cfg.ednsSubnet)
	if err != nil {
		return nil, c.Err(err.Error())
	}
	return g, nil
}

func parseConfig(c *caddy.Controller) (config, error) {
	var cfg config
	for c.Next() {
		if cfg.path != "" {
			return cfg, c.Err("configuring multiple databases is not supported")
		}
		args := c.RemainingArgs()
		if len(args) != 1 {
			return cfg, c.ArgErr()
		}
		cfg.path = args[0]
		for c.NextBlock() {
			switch c.Val() {
			case "edns-subnet":
				if len(c.RemainingArgs()) != 0 {
					return cfg, c.ArgErr()
				}
				cfg.ednsSubnet = true
			default:
				return cfg, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return cfg, nil
}
