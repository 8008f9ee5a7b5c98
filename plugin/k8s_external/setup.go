package external

import (
	"sort"
	"strconv"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("k8s_external")

func init() { plugin.Register("k8s_external", setup) }

// maxTTL is the largest ttl the plugin accepts.
const maxTTL = 3600

func setup(c *caddy.Controller) error {
	e, err := parse(c)
	if err != nil {
		return plugin.Error("k8s_external", err)
	}
	cfg := dnsserver.GetConfig(c)

	// The backend is another plugin of this server block; the handlers exist
	// once the servers are built.
	c.OnStartup(func() error {
		e.backend = findExternaler(cfg.Handlers())
		if e.backend == nil {
			log.Warningf("No plugin in this server block implements Externaler (is kubernetes loaded?); queries for %s are passed on", strings.Join(e.Zones, ", "))
		}
		return nil
	})

	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		e.Next = next
		return e
	})
	return nil
}

// findExternaler returns the backend among handlers: kubernetes when it is
// there and implements Externaler, otherwise the implementer whose name sorts
// first (so the choice does not depend on map order).
func findExternaler(handlers []plugin.Handler) Externaler {
	var found []plugin.Handler
	for _, h := range handlers {
		if _, ok := h.(Externaler); ok {
			if h.Name() == "kubernetes" {
				return h.(Externaler)
			}
			found = append(found, h)
		}
	}
	if len(found) == 0 {
		return nil
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Name() < found[j].Name() })
	return found[0].(Externaler)
}

// parse reads "k8s_external [ZONE...] { apex APEX; headless; ttl TTL; fallthrough [ZONES...] }".
func parse(c *caddy.Controller) (*External, error) {
	e := New()
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true
		e.Zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			if err := parseOption(c, e); err != nil {
				return nil, err
			}
		}
	}
	return e, nil
}

func parseOption(c *caddy.Controller, e *External) error {
	switch c.Val() {
	case "apex":
		args := c.RemainingArgs()
		if len(args) != 1 {
			return c.ArgErr()
		}
		apex := strings.ToLower(strings.TrimSuffix(args[0], "."))
		if apex == "" {
			return c.Errf("apex must not be empty")
		}
		if _, ok := dns.IsDomainName(apex); !ok {
			return c.Errf("invalid apex %q", args[0])
		}
		e.apex = apex
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
			return c.Errf("ttl must be in range [0, %d]: %d", maxTTL, t)
		}
		e.ttl = uint32(t)
	case "headless":
		if c.NextArg() {
			return c.ArgErr()
		}
		e.headless = true
	case "fallthrough":
		e.fall.SetZonesFromArgs(c.RemainingArgs())
	default:
		return c.Errf("unknown property %q", c.Val())
	}
	return nil
}
