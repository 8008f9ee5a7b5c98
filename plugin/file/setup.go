package file

import (
	"os"
	"path/filepath"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/plugin/transfer"
)

func init() { plugin.Register("file", setup) }

func setup(c *caddy.Controller) error {
	zones, fall, err := fileParse(c)
	if err != nil {
		return plugin.Error("file", err)
	}

	f := File{Zones: zones, Fall: fall}
	config := dnsserver.GetConfig(c)
	c.OnStartup(func() error {
		// The transfer plugin of this server block, if any, sends the
		// NOTIFYs: once now, and whenever a reload brings a new serial.
		xfer, _ := config.Handler("transfer").(*transfer.Transfer)
		for _, n := range zones.Names {
			z := zones.Z[n]
			z.StartupOnce.Do(func() { z.Reload(xfer) }) //nolint:errcheck // never fails
		}
		if xfer != nil {
			go func() {
				for _, n := range zones.Names {
					xfer.Notify(n) //nolint:errcheck // failures are logged
				}
			}()
		}
		return nil
	})
	for _, n := range zones.Names {
		c.OnShutdown(zones.Z[n].OnShutdown)
	}

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		f.Next = next
		return f
	})
	return nil
}

// defaultReload is how often a zone file is checked for a new serial.
const defaultReload = time.Minute

// fileParse reads every file line of the server block.
func fileParse(c *caddy.Controller) (Zones, fall.F, error) {
	z := make(map[string]*Zone)
	var (
		names []string
		fl    fall.F
	)
	config := dnsserver.GetConfig(c)

	for c.Next() {
		// file DBFILE [ZONES...]
		if !c.NextArg() {
			return Zones{}, fl, c.ArgErr()
		}
		fileName := c.Val()
		origins := plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		if len(origins) == 0 {
			return Zones{}, fl, c.Err("no zones to serve")
		}
		if !filepath.IsAbs(fileName) && config.Root != "" {
			fileName = filepath.Join(config.Root, fileName)
		}

		reload := defaultReload
		byMtime := false
		for c.NextBlock() {
			switch c.Val() {
			case "reload":
				args := c.RemainingArgs()
				if len(args) != 1 {
					return Zones{}, fl, c.ArgErr()
				}
				d, err := time.ParseDuration(args[0])
				if err != nil {
					return Zones{}, fl, c.Errf("invalid reload duration %q: %v", args[0], err)
				}
				if d < 0 {
					return Zones{}, fl, c.Errf("reload duration %q must not be negative", args[0])
				}
				reload = d
			case "reload_by_mtime":
				if c.NextArg() {
					return Zones{}, fl, c.ArgErr()
				}
				byMtime = true
			case "fallthrough":
				fl.SetZonesFromArgs(c.RemainingArgs())
			case "upstream":
				// Accepted for old Corefiles: CNAME targets are always
				// resolved through the server itself.
				c.RemainingArgs()
			default:
				return Zones{}, fl, c.Errf("unknown property '%s'", c.Val())
			}
		}

		loaded, openErr, err := loadZones(c, fileName, origins)
		if err != nil {
			return Zones{}, fl, err
		}
		if openErr != nil {
			if reload == 0 {
				return Zones{}, fl, c.Errf("%v", openErr)
			}
			log.Warningf("Failed to open %q: trying again in %s", openErr, reload)
		}
		for _, zone := range loaded {
			zone.ReloadInterval = reload
			zone.ReloadByMtime = byMtime
			zone.Upstream = upstream.New()
			if byMtime {
				if fi, err := os.Stat(fileName); err == nil {
					zone.mtime = fi.ModTime()
				}
			}
			if _, dup := z[zone.origin]; !dup {
				names = append(names, zone.origin)
			}
			z[zone.origin] = zone
		}
	}
	return Zones{Z: z, Names: names}, fl, nil
}

// loadZones parses fileName once for every origin. A file that cannot be
// opened yields empty zones and openErr; one that does not parse is an error.
func loadZones(c *caddy.Controller, fileName string, origins []string) (zones []*Zone, openErr, err error) {
	reader, openErr := os.Open(filepath.Clean(fileName))
	if openErr != nil {
		for _, origin := range origins {
			zones = append(zones, NewZone(origin, fileName))
		}
		return zones, openErr, nil
	}
	defer reader.Close()
	for _, origin := range origins {
		if _, err := reader.Seek(0, 0); err != nil {
			return nil, nil, c.Errf("%v", err)
		}
		zone, err := Parse(reader, origin, fileName, -1)
		if err != nil {
			return nil, nil, c.Errf("%v", err)
		}
		zones = append(zones, zone)
	}
	return zones, nil, nil
}
