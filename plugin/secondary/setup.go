package secondary

import (
	"sync"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/pkg/parse"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/plugin/transfer"
)

func init() { plugin.Register("secondary", setup) }

// initialRetry is how long to wait before trying the first transfer of a
// zone again.
const initialRetry = 10 * time.Second

func setup(c *caddy.Controller) error {
	zones, err := secondaryParse(c)
	if err != nil {
		return plugin.Error("secondary", err)
	}

	s := &Secondary{File: file.File{Zones: zones}}
	config := dnsserver.GetConfig(c)

	var xferOnce sync.Once
	findXfer := func() {
		xferOnce.Do(func() {
			s.Xfer, _ = config.Handler("transfer").(*transfer.Transfer)
		})
	}

	for _, n := range zones.Names {
		z := zones.Z[n]
		if len(z.TransferFrom) == 0 {
			continue
		}
		shutdown := make(chan bool)
		var shutdownOnce sync.Once
		c.OnStartup(func() error {
			findXfer()
			z.StartupOnce.Do(func() { go keepFresh(z, s.Xfer, shutdown) })
			return nil
		})
		c.OnShutdown(func() error {
			shutdownOnce.Do(func() { close(shutdown) })
			return nil
		})
	}

	config.AddPlugin(func(next plugin.Handler) plugin.Handler {
		s.Next = next
		return s
	})
	return nil
}

// keepFresh transfers z until it succeeds, then follows its SOA timers,
// until shutdown is closed.
func keepFresh(z *file.Zone, t *transfer.Transfer, shutdown chan bool) {
	for {
		err := z.TransferIn(t)
		if err == nil {
			break
		}
		log.Warningf("All primaries failed for the first transfer of a zone, retrying in %s: %v", initialRetry, err)
		select {
		case <-shutdown:
			return
		case <-time.After(initialRetry):
		}
	}
	z.Update(shutdown, t) //nolint:errcheck // never fails
}

// secondaryParse reads every secondary line of the server block.
func secondaryParse(c *caddy.Controller) (file.Zones, error) {
	z := make(map[string]*file.Zone)
	var names []string
	for c.Next() {
		origins := plugin.OriginsFromArgsOrServerBlock(c.RemainingArgs(), c.ServerBlockKeys)
		if len(origins) == 0 {
			return file.Zones{}, c.Err("no zones to serve")
		}
		for _, origin := range origins {
			if _, ok := z[origin]; !ok {
				zone := file.NewZone(origin, "stdin")
				zone.Upstream = upstream.New()
				z[origin] = zone
				names = append(names, origin)
			}
		}
		for c.NextBlock() {
			switch c.Val() {
			case "transfer":
				from, err := parse.TransferIn(c)
				if err != nil {
					return file.Zones{}, err
				}
				for _, origin := range origins {
					z[origin].TransferFrom = append(z[origin].TransferFrom, from...)
				}
			default:
				return file.Zones{}, c.Errf("unknown property '%s'", c.Val())
			}
		}
	}
	return file.Zones{Z: z, Names: names}, nil
}
