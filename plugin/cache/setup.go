package cache

import (
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/cache"
)

func init() { plugin.Register("cache", setup) }

func setup(c *caddy.Controller) error {
	ca, err := parse(c)
	if err != nil {
		return plugin.Error("cache", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		ca.Next = next
		return ca
	})
	return nil
}

// parse reads the cache directive:
//
//	cache [TTL] [ZONES...] {
//	    success CAPACITY [TTL] [MINTTL]
//	    denial CAPACITY [TTL] [MINTTL]
//	    prefetch AMOUNT [[DURATION] [PERCENTAGE%]]
//	    serve_stale [DURATION] [REFRESH_MODE]
//	    servfail DURATION
//	    disable success|denial [ZONES...]
//	    keepttl
//	}
func parse(c *caddy.Controller) (*Cache, error) {
	ca := New()
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		if len(args) > 0 {
			// A number first is the maximum TTL; anything else is a zone.
			if ttl, err := strconv.Atoi(args[0]); err == nil {
				if ttl <= 0 {
					return nil, c.Errf("cache TTL can not be zero or negative: %d", ttl)
				}
				ca.pttl = time.Duration(ttl) * time.Second
				ca.nttl = ca.pttl
				args = args[1:]
			}
		}
		for _, z := range args {
			if _, err := plugin.Host(z).MustNormalize(); err != nil {
				return nil, c.Errf("invalid zone %q", z)
			}
		}
		origins := plugin.OriginsFromArgsOrServerBlock(args, c.ServerBlockKeys)

		for c.NextBlock() {
			if err := parseOption(c, ca); err != nil {
				return nil, err
			}
		}

		ca.Zones = origins
		ca.allZones = false
		for _, z := range origins {
			if z == "." {
				ca.allZones = true
			}
		}
		ca.zonesLabel = strings.Join(origins, ",")
		ca.pcache = cache.New[*item](ca.pcap)
		ca.ncache = cache.New[*item](ca.ncap)
	}
	return ca, nil
}

// parseOption reads one line of the block.
func parseOption(c *caddy.Controller, ca *Cache) error {
	switch opt := c.Val(); opt {
	case typeSuccess:
		return parseCapacity(c, &ca.pcap, &ca.pttl, &ca.minpttl)
	case typeDenial:
		return parseCapacity(c, &ca.ncap, &ca.nttl, &ca.minnttl)
	case "prefetch":
		return parsePrefetch(c, ca)
	case "serve_stale":
		return parseServeStale(c, ca)
	case "servfail":
		args := c.RemainingArgs()
		if len(args) != 1 {
			return c.ArgErr()
		}
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return c.Errf("invalid servfail duration %q: %v", args[0], err)
		}
		if d < 0 {
			return c.Errf("invalid negative ttl for servfail: %s", args[0])
		}
		if d > maxFailTTL {
			return c.Errf("caching SERVFAIL responses over %s is not permitted", maxFailTTL)
		}
		ca.failttl = d
	case "disable":
		return parseDisable(c, ca)
	case "keepttl":
		if len(c.RemainingArgs()) != 0 {
			return c.ArgErr()
		}
		ca.keepttl = true
	default:
		return c.Errf("unknown property %q", opt)
	}
	return nil
}

// parseCapacity reads "CAPACITY [TTL] [MINTTL]" into the settings of one
// of the caches; what is not given keeps its value.
func parseCapacity(c *caddy.Controller, capacity *int, ttl, minTTL *time.Duration) error {
	args := c.RemainingArgs()
	if len(args) == 0 || len(args) > 3 {
		return c.ArgErr()
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 0 {
		return c.Errf("invalid capacity %q", args[0])
	}
	*capacity = n
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return c.Errf("invalid TTL %q", args[1])
		}
		if n <= 0 {
			return c.Errf("cache TTL can not be zero or negative: %d", n)
		}
		*ttl = time.Duration(n) * time.Second
	}
	if len(args) > 2 {
		n, err := strconv.Atoi(args[2])
		if err != nil {
			return c.Errf("invalid minimum TTL %q", args[2])
		}
		if n < 0 {
			return c.Errf("cache min TTL can not be negative: %d", n)
		}
		*minTTL = time.Duration(n) * time.Second
	}
	return nil
}

// parsePrefetch reads "AMOUNT [[DURATION] [PERCENTAGE%]]".
func parsePrefetch(c *caddy.Controller, ca *Cache) error {
	args := c.RemainingArgs()
	if len(args) == 0 || len(args) > 3 {
		return c.ArgErr()
	}
	amount, err := strconv.Atoi(args[0])
	if err != nil {
		return c.Errf("invalid prefetch amount %q", args[0])
	}
	if amount < 0 {
		return c.Errf("prefetch amount should be positive: %d", amount)
	}
	ca.prefetch = amount
	if len(args) > 1 {
		d, err := time.ParseDuration(args[1])
		if err != nil {
			return c.Errf("invalid prefetch duration %q: %v", args[1], err)
		}
		if d <= 0 {
			return c.Errf("prefetch duration should be positive: %s", args[1])
		}
		ca.duration = d
	}
	if len(args) > 2 {
		pct, ok := strings.CutSuffix(args[2], "%")
		if !ok {
			return c.Errf("last character of percentage should be `%%`, but is: %q", args[2][len(args[2])-1])
		}
		n, err := strconv.Atoi(pct)
		if err != nil {
			return c.Errf("invalid percentage %q", args[2])
		}
		if n < 10 || n > 90 {
			return c.Errf("percentage should fall in range [10, 90]: %d", n)
		}
		ca.percentage = n
	}
	return nil
}

// parseServeStale reads "[DURATION] [immediate|verify]".
func parseServeStale(c *caddy.Controller, ca *Cache) error {
	args := c.RemainingArgs()
	if len(args) > 2 {
		return c.ArgErr()
	}
	ca.staleUpTo = defaultStaleUpTo
	ca.verifyStale = false
	if len(args) > 0 {
		d, err := time.ParseDuration(args[0])
		if err != nil {
			return c.Errf("invalid serve_stale duration %q: %v", args[0], err)
		}
		if d < 0 {
			return c.Errf("invalid negative duration for serve_stale: %s", args[0])
		}
		ca.staleUpTo = d
	}
	if len(args) > 1 {
		switch mode := strings.ToLower(args[1]); mode {
		case "immediate":
		case "verify":
			ca.verifyStale = true
		default:
			return c.Errf("invalid value for serve_stale refresh mode: %s", args[1])
		}
	}
	return nil
}

// parseDisable reads "success|denial [ZONES...]".
func parseDisable(c *caddy.Controller, ca *Cache) error {
	args := c.RemainingArgs()
	if len(args) == 0 {
		return c.ArgErr()
	}
	zones := []string{"."}
	if len(args) > 1 {
		zones = zones[:0]
		for _, z := range args[1:] {
			nz, err := plugin.Host(z).MustNormalize()
			if err != nil {
				return c.Errf("invalid disabled zone: %s", z)
			}
			zones = append(zones, nz)
		}
	}
	switch args[0] {
	case typeSuccess:
		ca.pexcept = zones
	case typeDenial:
		ca.nexcept = zones
	default:
		return c.Errf("cache type for disable must be %q or %q", typeSuccess, typeDenial)
	}
	return nil
}
