package chaos

import (
	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("chaos", setup) }

// defaultVersion is used when caddy's application name and version have not
// been set (as in tests that do not load coremain).
const defaultVersion = "CoreDNS-1.14.7"

func setup(c *caddy.Controller) error {
	ch, err := parse(c)
	if err != nil {
		return plugin.Error("chaos", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		ch.Next = next
		return ch
	})
	return nil
}

// parse reads "chaos [VERSION] [AUTHORS...]".
func parse(c *caddy.Controller) (Chaos, error) {
	ch := Chaos{Version: version(), Authors: Owners}
	c.Next() // "chaos"
	args := c.RemainingArgs()
	if len(args) > 0 {
		ch.Version = trim(args[0])
	}
	if len(args) > 1 {
		ch.Authors = authors(args[1:])
	}
	if c.NextBlock() {
		return ch, c.Errf("unexpected block: chaos takes no options")
	}
	if c.Next() {
		return ch, c.Err(plugin.ErrOnce.Error())
	}
	return ch, nil
}

// version is "NAME-VERSION" of the running server.
func version() string {
	if caddy.AppName == "" || caddy.AppVersion == "" {
		return defaultVersion
	}
	return caddy.AppName + "-" + caddy.AppVersion
}

// authors trims the names and drops repeats, since an RRset holds each
// record once.
func authors(names []string) []string {
	out := make([]string, 0, len(names))
	seen := make(map[string]struct{}, len(names))
	for _, n := range names {
		n = trim(n)
		if _, ok := seen[n]; ok {
			continue
		}
		seen[n] = struct{}{}
		out = append(out, n)
	}
	return out
}
