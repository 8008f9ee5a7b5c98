package ready

import (
	"net"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	addr, continuous, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	rd := &ready{Addr: addr}

	// The plugin chains exist only once the servers are built, which is
	// before the startup callbacks run.
	c.OnStartup(func() error {
		rd.entries = readinessOf(c, continuous)
		return rd.OnStartup()
	})
	c.OnRestart(rd.OnRestart)
	c.OnRestartFailed(rd.OnRestartFailed)
	c.OnShutdown(rd.OnShutdown)
	c.OnFinalShutdown(rd.OnFinalShutdown)
	return nil
}

// parse reads "ready [ADDRESS] { monitor until-ready|continuously }" and
// reports the address and whether plugins are checked continuously.
func parse(c *caddy.Controller) (string, bool, error) {
	addr := defaultAddr
	continuous := false
	seen := false
	for c.Next() {
		if seen {
			return "", false, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			if _, _, err := net.SplitHostPort(args[0]); err != nil {
				return "", false, c.Errf("invalid address %q: %s", args[0], err)
			}
			addr = args[0]
		default:
			return "", false, c.ArgErr()
		}

		for c.NextBlock() {
			switch c.Val() {
			case "monitor":
				args := c.RemainingArgs()
				if len(args) != 1 {
					return "", false, c.ArgErr()
				}
				switch args[0] {
				case "until-ready":
					continuous = false
				case "continuously":
					continuous = true
				default:
					return "", false, c.Errf("unknown monitor mode %q, want until-ready or continuously", args[0])
				}
			default:
				return "", false, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return addr, continuous, nil
}

// readinessOf returns an entry for every plugin of c's server block that
// implements Readiness. A plugin serving several zones of the block is
// listed once.
func readinessOf(c *caddy.Controller, continuous bool) []*entry {
	var entries []*entry
	seen := map[string]bool{}
	keys := len(c.ServerBlockKeys)
	if keys == 0 {
		keys = 1
	}
	for i := range keys {
		kc := *c
		kc.ServerBlockKeyIndex = i
		for _, h := range dnsserver.GetConfig(&kc).Handlers() {
			r, ok := h.(Readiness)
			if !ok || seen[h.Name()] {
				continue
			}
			seen[h.Name()] = true
			entries = append(entries, &entry{name: h.Name(), r: r, continuous: continuous})
		}
	}
	return entries
}
