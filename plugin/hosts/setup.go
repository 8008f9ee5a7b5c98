package hosts

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("hosts")

func init() { plugin.Register("hosts", setup) }

func setup(c *caddy.Controller) error {
	h, err := hostsParse(c)
	if err != nil {
		return plugin.Error("hosts", err)
	}

	stop := make(chan struct{})
	var stopOnce sync.Once
	c.OnStartup(func() error {
		h.readHosts()
		if h.options.reload > 0 {
			go h.reloadLoop(stop)
		}
		return nil
	})
	c.OnShutdown(func() error {
		stopOnce.Do(func() { close(stop) })
		return nil
	})

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// reloadLoop reads the hosts file every reload interval until stop closes.
func (h *Hostsfile) reloadLoop(stop <-chan struct{}) {
	tick := time.NewTicker(h.options.reload)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			h.readHosts()
		}
	}
}

// hostsParse reads the hosts directive:
//
//	hosts [FILE [ZONES...]] {
//	    [INLINE]
//	    ttl SECONDS
//	    no_reverse
//	    reload DURATION
//	    fallthrough [ZONES...]
//	}
func hostsParse(c *caddy.Controller) (Hosts, error) {
	config := dnsserver.GetConfig(c)
	opts := newOptions()
	h := Hosts{}
	var inline []string
	seen := false

	for c.Next() {
		if seen {
			return h, plugin.ErrOnce
		}
		seen = true

		path := "/etc/hosts"
		args := c.RemainingArgs()
		if len(args) > 0 {
			path = args[0]
			args = args[1:]
			if !filepath.IsAbs(path) && config.Root != "" {
				path = filepath.Join(config.Root, path)
			}
		}
		if err := checkPath(c, path); err != nil {
			return h, err
		}
		origins := plugin.OriginsFromArgsOrServerBlock(args, c.ServerBlockKeys)
		h.Hostsfile = newHostsfile(path, origins, opts)

		for c.NextBlock() {
			switch c.Val() {
			case "fallthrough":
				h.Fall.SetZonesFromArgs(c.RemainingArgs())
			case "no_reverse":
				if c.NextArg() {
					return h, c.ArgErr()
				}
				opts.autoReverse = false
			case "ttl":
				ttl, err := parseTTL(c)
				if err != nil {
					return h, err
				}
				opts.ttl = ttl
			case "reload":
				d, err := parseReload(c)
				if err != nil {
					return h, err
				}
				opts.reload = d
			default:
				if parseIP(c.Val()) == nil {
					return h, c.Errf("unknown property '%s'", c.Val())
				}
				line := append([]string{c.Val()}, c.RemainingArgs()...)
				inline = append(inline, strings.Join(line, " "))
			}
		}
	}
	if h.Hostsfile == nil {
		return h, c.ArgErr()
	}
	// Inline lines are parsed once every option is known (no_reverse may
	// come after them).
	h.setInline(inline)
	return h, nil
}

// checkPath warns about a hosts file that is missing or a directory, and
// fails when it exists but cannot be looked at.
func checkPath(c *caddy.Controller, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			log.Warningf("File does not exist: %s", path)
			return nil
		}
		return c.Errf("unable to access hosts file '%s': %v", path, err)
	}
	if fi.IsDir() {
		log.Warningf("Hosts file %q is a directory", path)
	}
	return nil
}

// parseTTL reads the argument of ttl: whole seconds, 1 to 65535.
func parseTTL(c *caddy.Controller) (uint32, error) {
	args := c.RemainingArgs()
	if len(args) != 1 {
		return 0, c.ArgErr()
	}
	ttl, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Errf("ttl needs a number of seconds, got '%s'", args[0])
	}
	if ttl <= 0 || ttl > 65535 {
		return 0, c.Errf("ttl provided is invalid: %d (must be 1 to 65535)", ttl)
	}
	return uint32(ttl), nil
}

// parseReload reads the argument of reload: a duration, 0 disables reloads.
func parseReload(c *caddy.Controller) (time.Duration, error) {
	args := c.RemainingArgs()
	if len(args) != 1 {
		return 0, c.ArgErr()
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return 0, c.Errf("invalid duration for reload '%s': %v", args[0], err)
	}
	if d < 0 {
		return 0, c.Errf("invalid negative duration for reload '%s'", args[0])
	}
	return d, nil
}
