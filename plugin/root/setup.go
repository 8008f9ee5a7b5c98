// Package root implements the root plugin: the directory relative file names
// in the server block are resolved against.
package root

import (
	"os"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("root")

func init() { plugin.Register("root", setup) }

func setup(c *caddy.Controller) error {
	config := dnsserver.GetConfig(c)

	for c.Next() {
		if !c.NextArg() {
			return plugin.Error("root", c.ArgErr())
		}
		config.Root = c.Val()
		if c.NextArg() {
			return plugin.Error("root", c.ArgErr())
		}
	}

	// A missing directory is only a warning: it may be created later.
	if _, err := os.Stat(config.Root); err != nil {
		if os.IsNotExist(err) {
			log.Warningf("Root path does not exist: %s", config.Root)
		} else {
			return plugin.Error("root", c.Errf("unable to access root path '%s': %v", config.Root, err))
		}
	}
	return nil
}
