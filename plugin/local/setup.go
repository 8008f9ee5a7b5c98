package local

import (
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("local")

func init() { plugin.Register("local", setup) }

func setup(c *caddy.Controller) error {
	l, err := parse(c)
	if err != nil {
		return plugin.Error("local", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		l.Next = next
		return l
	})
	return nil
}

// parse reads "local { localhost_prefix on|off }", the block being optional.
func parse(c *caddy.Controller) (*Local, error) {
	l := &Local{Prefix: true}
	c.Next() // "local"
	if len(c.RemainingArgs()) > 0 {
		return nil, c.ArgErr()
	}
	for c.NextBlock() {
		switch c.Val() {
		case "localhost_prefix":
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.ArgErr()
			}
			switch strings.ToLower(args[0]) {
			case "on":
				l.Prefix = true
			case "off":
				l.Prefix = false
			default:
				return nil, c.Errf("invalid value %q for localhost_prefix: want on or off", args[0])
			}
		default:
			return nil, c.Errf("unknown property %q", c.Val())
		}
	}
	if c.Next() {
		return nil, c.Err(plugin.ErrOnce.Error())
	}
	return l, nil
}
