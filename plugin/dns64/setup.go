package dns64

import (
	"net/netip"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/upstream"
)

func init() { plugin.Register("dns64", setup) }

func setup(c *caddy.Controller) error {
	d, err := parse(c)
	if err != nil {
		return plugin.Error("dns64", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		d.Next = next
		return d
	})
	return nil
}

// wellKnownPrefix is the prefix of RFC 6052 section 2.1.
var wellKnownPrefix = netip.MustParsePrefix("64:ff9b::/96")

// parse reads
//
//	dns64 [PREFIX] {
//	    prefix PREFIX
//	    translate_all
//	    allow_ipv4
//	}
func parse(c *caddy.Controller) (*DNS64, error) {
	d := &DNS64{Prefix: wellKnownPrefix, Upstream: upstream.New()}
	c.Next() // "dns64"
	args := c.RemainingArgs()
	switch len(args) {
	case 0:
	case 1:
		p, err := parsePrefix(c, args[0])
		if err != nil {
			return nil, err
		}
		d.Prefix = p
	default:
		return nil, c.ArgErr()
	}
	for c.NextBlock() {
		switch c.Val() {
		case "prefix":
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.ArgErr()
			}
			p, err := parsePrefix(c, args[0])
			if err != nil {
				return nil, err
			}
			d.Prefix = p
		case "translate_all":
			if len(c.RemainingArgs()) > 0 {
				return nil, c.ArgErr()
			}
			d.TranslateAll = true
		case "allow_ipv4":
			if len(c.RemainingArgs()) > 0 {
				return nil, c.ArgErr()
			}
			d.AllowIPv4 = true
		default:
			return nil, c.Errf("unknown property %q", c.Val())
		}
	}
	if c.Next() {
		return nil, c.Err(plugin.ErrOnce.Error())
	}
	return d, nil
}

// parsePrefix parses an IPv6 prefix of one of the lengths RFC 6052 allows.
func parsePrefix(c *caddy.Controller, s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return p, c.Errf("invalid prefix %q: %v", s, err)
	}
	if !p.Addr().Is6() || p.Addr().Is4In6() {
		return p, c.Errf("prefix %q is not an IPv6 prefix", s)
	}
	switch p.Bits() {
	case 32, 40, 48, 56, 64, 96:
	default:
		return p, c.Errf("invalid length /%d of prefix %q: want 32, 40, 48, 56, 64 or 96", p.Bits(), s)
	}
	return p.Masked(), nil
}
