package loadbalance

import (
	"net/netip"
	"path/filepath"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

const name = "loadbalance"

var log = clog.NewWithPlugin(name)

// defaultReload is how often a weight file is checked for changes.
const defaultReload = 30 * time.Second

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	cfg, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	lb := &LoadBalance{policy: cfg.policy, prefer: cfg.prefer}
	if cfg.policy == policyWeighted {
		path := cfg.weightFile
		if !filepath.IsAbs(path) {
			if root := dnsserver.GetConfig(c).Root; root != "" {
				path = filepath.Join(root, path)
			}
		}
		w, err := newWeights(path, cfg.reload)
		if err != nil {
			return plugin.Error(name, c.Errf("%s", err))
		}
		lb.weights = w
		c.OnStartup(w.start)
		c.OnShutdown(w.stop)
	}

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		lb.Next = next
		return lb
	})
	return nil
}

// config is the parsed loadbalance directive.
type config struct {
	policy     policy
	weightFile string
	reload     time.Duration
	prefer     []netip.Prefix
}

// parse reads
//
//	loadbalance [round_robin | weighted WEIGHTFILE] {
//	    reload DURATION
//	    prefer CIDR [CIDR...]
//	}
func parse(c *caddy.Controller) (*config, error) {
	cfg := &config{policy: policyRoundRobin, reload: defaultReload}
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		if len(args) > 0 {
			switch args[0] {
			case "round_robin":
				if len(args) != 1 {
					return nil, c.ArgErr()
				}
			case "weighted":
				if len(args) != 2 {
					return nil, c.ArgErr()
				}
				cfg.policy = policyWeighted
				cfg.weightFile = args[1]
			default:
				return nil, c.Errf("unknown policy %q", args[0])
			}
		}

		for c.NextBlock() {
			if err := parseOption(c, cfg); err != nil {
				return nil, err
			}
		}
	}
	return cfg, nil
}

// parseOption handles one line of the block.
func parseOption(c *caddy.Controller, cfg *config) error {
	opt := c.Val()
	args := c.RemainingArgs()
	switch opt {
	case "reload":
		if cfg.policy != policyWeighted {
			return c.Errf("option %q is only valid with the weighted policy", opt)
		}
		if len(args) != 1 {
			return c.ArgErr()
		}
		d, err := time.ParseDuration(args[0])
		if err != nil || d < 0 {
			return c.Errf("invalid reload duration %q", args[0])
		}
		cfg.reload = d
	case "prefer":
		if len(args) == 0 {
			return c.ArgErr()
		}
		for _, a := range args {
			p, err := netip.ParsePrefix(a)
			if err != nil {
				return c.Errf("invalid CIDR %q: %s", a, err)
			}
			cfg.prefer = append(cfg.prefer, p.Masked())
		}
	default:
		return c.Errf("unknown property %q", opt)
	}
	return nil
}
