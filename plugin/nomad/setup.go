package nomad

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/hashicorp/nomad/api"
)

const (
	defaultZone = "service.nomad."
	defaultTTL  = 30
	maxTTL      = 3600
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	n, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		n.Next = next
		return n
	})
	return nil
}

// config is what the Corefile says, before any client is made.
type config struct {
	zone      string
	addresses []string
	token     string
	tokenSet  bool
	ttl       uint32
}

func parse(c *caddy.Controller) (*Nomad, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	n := &Nomad{zone: cfg.zone, ttl: cfg.ttl}

	// DefaultConfig reads NOMAD_ADDR, NOMAD_TOKEN, NOMAD_CACERT and the other
	// NOMAD_* variables; the Corefile overrides address and token.
	addresses := cfg.addresses
	if len(addresses) == 0 {
		addresses = []string{api.DefaultConfig().Address}
	}
	for _, addr := range addresses {
		ac := api.DefaultConfig()
		ac.Address = addr
		if cfg.tokenSet {
			ac.SecretID = cfg.token
		}
		client, err := api.NewClient(ac)
		if err != nil {
			return nil, fmt.Errorf("address %q: %w", addr, err)
		}
		n.agents = append(n.agents, sdkAgent{c: client})
	}
	return n, nil
}

func parseConfig(c *caddy.Controller) (config, error) {
	cfg := config{zone: defaultZone, ttl: defaultTTL}
	seen := false
	for c.Next() {
		if seen {
			return cfg, c.Err("only one nomad block is allowed in a server block")
		}
		seen = true

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			cfg.zone = plugin.Name(args[0]).Normalize()
		default:
			return cfg, c.ArgErr()
		}

		for c.NextBlock() {
			if err := parseOption(c, &cfg); err != nil {
				return cfg, err
			}
		}
	}
	return cfg, nil
}

func parseOption(c *caddy.Controller, cfg *config) error {
	switch c.Val() {
	case "address":
		args := c.RemainingArgs()
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, a := range args {
			u, err := url.Parse(a)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "unix") {
				return c.Errf("invalid address %q: want an http://, https:// or unix:// URL", a)
			}
		}
		cfg.addresses = append(cfg.addresses, args...)
	case "token":
		args := c.RemainingArgs()
		if len(args) != 1 {
			return c.ArgErr()
		}
		cfg.token, cfg.tokenSet = args[0], true
	case "ttl":
		args := c.RemainingArgs()
		if len(args) != 1 {
			return c.ArgErr()
		}
		t, err := strconv.Atoi(args[0])
		if err != nil {
			return c.Errf("invalid ttl %q: %v", args[0], err)
		}
		if t < 0 || t > maxTTL {
			return c.Errf("ttl %d out of range: must be between 0 and %d seconds", t, maxTTL)
		}
		cfg.ttl = uint32(t)
	default:
		return c.Errf("unknown property %q", c.Val())
	}
	return nil
}
