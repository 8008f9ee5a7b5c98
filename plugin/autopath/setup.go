package autopath

import (
	"fmt"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

func init() { plugin.Register("autopath", setup) }

func setup(c *caddy.Controller) error {
	a, source, err := parse(c)
	if err != nil {
		return plugin.Error("autopath", err)
	}
	cfg := dnsserver.GetConfig(c)

	if source.plugin != "" {
		// The plugin that gives the search path is found once the chain
		// exists; without it the server must not start.
		c.OnStartup(func() error {
			f, err := searchFuncFrom(cfg, source.plugin)
			if err != nil {
				return plugin.Error("autopath", fmt.Errorf("%s - %w", source.where, err))
			}
			a.searchFunc = f
			return nil
		})
	}

	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		a.Next = next
		return a
	})
	return nil
}

// searchSource says where the search path of the plugin comes from: a
// plugin (the @NAME form) or, when plugin is empty, the parsed file.
type searchSource struct {
	plugin string
	where  string // file and line of the directive, for start-up errors
}

// searchFuncFrom finds the named plugin in cfg's chain and returns its
// AutoPath method.
func searchFuncFrom(cfg *dnsserver.Config, name string) (Func, error) {
	h := cfg.Handler(name)
	if h == nil {
		return nil, fmt.Errorf("plugin %q (from @%s) is not enabled in this server block", name, name)
	}
	ap, ok := h.(AutoPather)
	if !ok {
		return nil, fmt.Errorf("plugin %q (from @%s) does not implement the AutoPather interface", name, name)
	}
	return ap.AutoPath, nil
}

// parse reads "autopath [ZONE...] RESOLV-CONF" or "autopath [ZONE...] @PLUGIN".
func parse(c *caddy.Controller) (*AutoPath, searchSource, error) {
	a := &AutoPath{}
	var src searchSource
	seen := false
	for c.Next() {
		if seen {
			return nil, src, plugin.ErrOnce
		}
		seen = true
		src.where = fmt.Sprintf("%s:%d", c.File(), c.Line())

		args := c.RemainingArgs()
		if len(args) == 0 {
			return nil, src, c.ArgErr()
		}
		resolv := args[len(args)-1]
		a.Zones = plugin.OriginsFromArgsOrServerBlock(args[:len(args)-1], c.ServerBlockKeys)

		if name, ok := strings.CutPrefix(resolv, "@"); ok {
			if name == "" {
				return nil, src, c.Errf("no plugin named after %q", resolv)
			}
			src.plugin = name
		} else {
			search, err := searchFromFile(resolv)
			if err != nil {
				return nil, src, c.Errf("%v", err)
			}
			a.search = search
		}

		if c.NextBlock() {
			return nil, src, c.Errf("unknown property %q", c.Val())
		}
	}
	return a, src, nil
}

// searchFromFile reads the search list of a resolv.conf style file; the
// list ends in "" so the bare name is tried last.
func searchFromFile(path string) ([]string, error) {
	rc, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to parse %q: %w", path, err)
	}
	search := make([]string, 0, len(rc.Search)+1)
	for _, s := range rc.Search {
		s = plugin.Name(s).Normalize()
		if s == "." {
			continue
		}
		search = append(search, s)
	}
	return append(search, ""), nil
}
