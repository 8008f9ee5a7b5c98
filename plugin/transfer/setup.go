package transfer

import (
	"net/netip"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/parse"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

func init() { plugin.Register("transfer", setup) }

func setup(c *caddy.Controller) error {
	t, err := parseTransfer(c)
	if err != nil {
		return plugin.Error("transfer", err)
	}

	config := dnsserver.GetConfig(c)
	config.AddPlugin(func(next plugin.Handler) plugin.Handler {
		t.Next = next
		return t
	})

	// The chain exists once the server is built: find every plugin in it
	// that can hand out zones.
	c.OnStartup(func() error {
		t.Transferers = t.Transferers[:0]
		for _, h := range config.Handlers() {
			if h == nil || h.Name() == t.Name() {
				continue
			}
			if tr, ok := h.(Transferer); ok {
				t.Transferers = append(t.Transferers, tr)
			}
		}
		return nil
	})
	return nil
}

// parseTransfer reads every transfer line of the server block.
func parseTransfer(c *caddy.Controller) (*Transfer, error) {
	t := &Transfer{}
	for c.Next() {
		x := &xfr{}
		x.Zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			switch c.Val() {
			case "to":
				args := c.RemainingArgs()
				if len(args) == 0 {
					return nil, c.ArgErr()
				}
				for _, a := range args {
					if err := x.addTo(a); err != nil {
						return nil, c.Errf("%v", err)
					}
				}
			default:
				return nil, c.Errf("unknown property '%s'", c.Val())
			}
		}
		if len(x.to) == 0 {
			return nil, c.Err("'to' is required")
		}
		t.xfrs = append(t.xfrs, x)
	}
	return t, nil
}

// addTo adds one "to" argument: "*", an address in CIDR notation, or an IP
// address with an optional port. Plain addresses also receive NOTIFYs.
func (x *xfr) addTo(a string) error {
	if a == "*" {
		x.any = true
		x.to = append(x.to, a)
		return nil
	}
	if strings.Contains(a, "/") {
		p, err := netip.ParsePrefix(a)
		if err != nil {
			return err
		}
		p = p.Masked()
		x.allow = append(x.allow, p)
		x.to = append(x.to, p.String())
		return nil
	}
	addr, err := parse.HostPort(a, transport.Port)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(hostOf(addr))
	if err != nil {
		return err
	}
	ip = ip.Unmap().WithZone("")
	x.allow = append(x.allow, netip.PrefixFrom(ip, ip.BitLen()))
	x.to = append(x.to, addr)
	x.notifys = append(x.notifys, addr)
	return nil
}
