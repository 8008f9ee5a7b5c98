package auto

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/plugin/transfer"
)

func init() { plugin.Register("auto", setup) }

// Defaults of the directory line and of reload.
const (
	defaultRegexp   = `db\.(.*)`
	defaultTemplate = "${1}"
	defaultReload   = time.Minute
)

func setup(c *caddy.Controller) error {
	a, err := autoParse(c)
	if err != nil {
		return plugin.Error("auto", err)
	}

	stop := make(chan struct{})
	var stopOnce sync.Once
	config := dnsserver.GetConfig(c)
	c.OnStartup(func() error {
		if t, ok := config.Handler("transfer").(*transfer.Transfer); ok {
			a.transfer = t
		}
		if err := a.Walk(); err != nil {
			log.Warningf("Scanning %q: %v", a.loader.directory, err)
		}
		if a.loader.ReloadInterval > 0 {
			go a.walkLoop(stop)
		}
		return nil
	})
	c.OnShutdown(func() error {
		stopOnce.Do(func() { close(stop) })
		a.Zones.removeAll()
		return nil
	})

	config.AddPlugin(func(next plugin.Handler) plugin.Handler {
		a.Next = next
		return a
	})
	return nil
}

// walkLoop scans the directory every reload interval until stop closes.
func (a Auto) walkLoop(stop <-chan struct{}) {
	tick := time.NewTicker(a.loader.ReloadInterval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if err := a.Walk(); err != nil {
				log.Warningf("Scanning %q: %v", a.loader.directory, err)
			}
		}
	}
}

// autoParse reads the auto directive:
//
//	auto [ZONES...] {
//	    directory DIR [REGEXP ORIGIN_TEMPLATE]
//	    reload DURATION
//	}
func autoParse(c *caddy.Controller) (Auto, error) {
	config := dnsserver.GetConfig(c)
	a := Auto{
		loader: loader{
			directory:      config.Root,
			re:             regexp.MustCompile(defaultRegexp),
			template:       defaultTemplate,
			ReloadInterval: defaultReload,
			upstream:       upstream.New(),
		},
	}
	if a.loader.directory == "" {
		a.loader.directory = "."
	}
	seen := false

	for c.Next() {
		if seen {
			return a, plugin.ErrOnce
		}
		seen = true

		a.Zones = newZones(plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys))

		for c.NextBlock() {
			switch c.Val() {
			case "directory":
				if err := parseDirectory(c, &a.loader, config.Root); err != nil {
					return a, err
				}
			case "reload":
				args := c.RemainingArgs()
				if len(args) != 1 {
					return a, c.ArgErr()
				}
				d, err := time.ParseDuration(args[0])
				if err != nil {
					return a, c.Errf("invalid duration for reload '%s': %v", args[0], err)
				}
				if d < 0 {
					return a, c.Errf("invalid negative duration for reload '%s'", args[0])
				}
				a.loader.ReloadInterval = d
			case "upstream":
				// Accepted for old Corefiles: CNAME targets outside the
				// zones are always resolved through the server itself.
				c.RemainingArgs()
			default:
				return a, c.Errf("unknown property '%s'", c.Val())
			}
		}
	}
	if a.Zones == nil {
		return a, c.ArgErr()
	}
	return a, nil
}

// parseDirectory reads "directory DIR [REGEXP ORIGIN_TEMPLATE]".
func parseDirectory(c *caddy.Controller, l *loader, root string) error {
	args := c.RemainingArgs()
	if len(args) != 1 && len(args) != 3 {
		return c.ArgErr()
	}
	dir := args[0]
	if !filepath.IsAbs(dir) && root != "" {
		dir = filepath.Join(root, dir)
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil && os.IsNotExist(err):
		log.Warningf("Directory does not exist: %s", dir)
	case err != nil:
		return c.Errf("unable to access directory '%s': %v", dir, err)
	case !fi.IsDir():
		return c.Errf("'%s' is not a directory", dir)
	}
	l.directory = dir

	if len(args) == 3 {
		re, err := regexp.Compile(args[1])
		if err != nil {
			return c.Errf("invalid regexp '%s': %v", args[1], err)
		}
		l.re = re
		l.template = expandTemplate(args[2])
	}
	return nil
}

// expandTemplate turns the {N} references of an origin template into the
// ${N} form regexp.Expand understands.
func expandTemplate(t string) string {
	return strings.ReplaceAll(t, "{", "${")
}
