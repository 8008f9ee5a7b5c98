package dnssec

import (
	"fmt"
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/cache"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("dnssec")

func init() { plugin.Register("dnssec", setup) }

func setup(c *caddy.Controller) error {
	zones, keys, capacity, err := parse(c)
	if err != nil {
		return plugin.Error("dnssec", err)
	}

	ca := cache.New[[]dns.RRSIG](capacity)
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return New(zones, keys, next, ca)
	})
	return nil
}

// parse reads the dnssec directive:
//
//	dnssec [ZONES...] {
//	    key file KEY...
//	    cache_capacity CAPACITY
//	}
func parse(c *caddy.Controller) ([]string, []*DNSKEY, int, error) {
	var (
		zones    []string
		keys     []*DNSKEY
		capacity = DefaultCapacity
	)
	i := 0
	for c.Next() {
		if i > 0 {
			return nil, nil, 0, plugin.ErrOnce
		}
		i++

		zones = plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		for c.NextBlock() {
			switch x := c.Val(); x {
			case "key":
				k, err := keyParse(c)
				if err != nil {
					return nil, nil, 0, err
				}
				keys = append(keys, k...)
			case "cache_capacity":
				if !c.NextArg() {
					return nil, nil, 0, c.ArgErr()
				}
				n, err := strconv.Atoi(c.Val())
				if err != nil || n <= 0 {
					return nil, nil, 0, c.Errf("cache_capacity must be a positive integer, not %q", c.Val())
				}
				capacity = n
				if c.NextArg() {
					return nil, nil, 0, c.ArgErr()
				}
			default:
				return nil, nil, 0, c.Errf("unknown property %q", x)
			}
		}
	}
	if len(keys) == 0 {
		return nil, nil, 0, c.Err("no keys given: need at least one \"key file\"")
	}
	for _, k := range keys {
		for _, z := range zones {
			log.Infof("Signing %q with key tag %d (%s)", z, k.tag, dns.AlgorithmToString[k.K.Algorithm])
		}
	}
	return zones, keys, capacity, nil
}

// keyParse reads the arguments of a key property: "file" then one or more
// key names (base name, .key or .private file).
func keyParse(c *caddy.Controller) ([]*DNSKEY, error) {
	if !c.NextArg() {
		return nil, c.ArgErr()
	}
	switch src := c.Val(); src {
	case "file":
	case "aws_secretsmanager", "secret":
		return nil, c.Errf("key %s: AWS Secrets Manager keys are not supported by this build, use \"key file\"", src)
	default:
		return nil, c.Errf("unknown key source %q, want \"file\"", src)
	}
	names := c.RemainingArgs()
	if len(names) == 0 {
		return nil, c.ArgErr()
	}
	keys := make([]*DNSKEY, 0, len(names))
	for _, name := range names {
		base := keyBase(name)
		k, err := ParseKeyFile(base+".key", base+".private")
		if err != nil {
			return nil, c.Err(fmt.Sprintf("reading key %q: %s", name, err))
		}
		keys = append(keys, k)
	}
	return keys, nil
}
