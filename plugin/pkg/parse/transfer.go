package parse

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

// TransferIn parses the arguments of a "transfer from ADDRESS..." line; the
// controller must be positioned on "transfer". Each address must be an IP
// with optional port (default 53) and is returned as "host:port".
func TransferIn(c *caddy.Controller) (froms []string, err error) {
	if !c.NextArg() {
		return nil, c.ArgErr()
	}
	if c.Val() != "from" {
		return nil, c.Errf("unknown property %q", c.Val())
	}
	froms = c.RemainingArgs()
	if len(froms) == 0 {
		return nil, c.ArgErr()
	}
	for i, f := range froms {
		if f == "*" {
			return nil, c.Err("can't use '*' in transfer from")
		}
		addr, err := HostPort(f, transport.Port)
		if err != nil {
			return nil, c.Errf("transfer from: %v", err)
		}
		froms[i] = addr
	}
	return froms, nil
}
