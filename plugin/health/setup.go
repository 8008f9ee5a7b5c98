package health

import (
	"net"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	addr, lameduck, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	h := &health{Addr: addr, lameduck: lameduck, shutdown: shutdownGroup(c)}

	// The listener is shared by address and counted: every server block
	// and every instance that survives a reload holds a reference, so the
	// endpoint keeps answering while the configuration is swapped.
	c.OnStartup(h.OnStartup)
	c.OnRestart(h.OnRestart)
	c.OnRestartFailed(h.OnRestartFailed)
	c.OnShutdown(h.OnShutdown)
	c.OnFinalShutdown(h.OnFinalShutdown)
	return nil
}

// parse reads "health [ADDRESS] { lameduck DURATION }".
func parse(c *caddy.Controller) (string, time.Duration, error) {
	addr := defaultAddr
	var lameduck time.Duration
	seen := false
	for c.Next() {
		if seen {
			return "", 0, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			if _, _, err := net.SplitHostPort(args[0]); err != nil {
				return "", 0, c.Errf("invalid address %q: %s", args[0], err)
			}
			addr = args[0]
		default:
			return "", 0, c.ArgErr()
		}

		for c.NextBlock() {
			switch c.Val() {
			case "lameduck":
				args := c.RemainingArgs()
				if len(args) != 1 {
					return "", 0, c.ArgErr()
				}
				d, err := time.ParseDuration(args[0])
				if err != nil || d < 0 {
					return "", 0, c.Errf("invalid lameduck duration %q", args[0])
				}
				lameduck = d
			default:
				return "", 0, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return addr, lameduck, nil
}

// shutdownGroup returns the lameduck bookkeeping shared by the health
// plugins of c's instance, creating it for the first one.
func shutdownGroup(c *caddy.Controller) *lameduckGroup {
	if g, ok := c.Get(groupKey{}).(*lameduckGroup); ok {
		return g
	}
	g := &lameduckGroup{}
	c.Set(groupKey{}, g)
	return g
}

// groupKey is the instance storage key of the lameduckGroup.
type groupKey struct{}
