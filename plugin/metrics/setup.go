package metrics

import (
	"net"
	"runtime"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics/vars"

	"github.com/prometheus/client_golang/prometheus"
)

// defaultAddr is where metrics are served when no address is given.
const defaultAddr = "localhost:9153"

func init() { plugin.Register("prometheus", setup) }

func setup(c *caddy.Controller) error {
	m, err := parse(c)
	if err != nil {
		return plugin.Error("prometheus", err)
	}
	m.Reg = registryFor(m.Addr, m.Reg)

	// The listener is shared by address and reference counted: each
	// instance takes its reference when it starts and drops it when it is
	// shut down, which after a successful reload happens once the new
	// instance holds its own reference, so scrapes go on across reloads.
	c.OnStartup(m.OnStartup)
	c.OnShutdown(m.OnFinalShutdown)

	c.OnStartup(func() error {
		pluginsEnabled(c)
		return nil
	})

	buildInfo.WithLabelValues(coremain.CoreVersion, coremain.GitCommit, runtime.Version()).Set(1)

	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		m.Next = next
		return m
	})
	return nil
}

// parse reads "prometheus [ADDRESS]"; the zones are those of the server block.
func parse(c *caddy.Controller) (*Metrics, error) {
	m := New(defaultAddr)
	seen := false
	for c.Next() {
		if seen {
			return nil, plugin.ErrOnce
		}
		seen = true

		for _, key := range c.ServerBlockKeys {
			for _, z := range plugin.Host(key).NormalizeExact() {
				m.AddZone(z)
			}
		}

		args := c.RemainingArgs()
		switch len(args) {
		case 0:
		case 1:
			if _, _, err := net.SplitHostPort(args[0]); err != nil {
				return nil, c.Errf("invalid address %q: %s", args[0], err)
			}
			m.Addr = args[0]
		default:
			return nil, c.ArgErr()
		}
		if c.NextBlock() {
			return nil, c.Errf("unknown property %q", c.Val())
		}
	}
	return m, nil
}

// pluginsEnabled sets coredns_plugin_enabled for every plugin in the chains
// of the server block of c, for each of its zones and listen addresses. The
// chains exist only once the servers are built, hence this runs at startup.
func pluginsEnabled(c *caddy.Controller) {
	for i := range c.ServerBlockKeys {
		kc := *c
		kc.ServerBlockKeyIndex = i
		conf := dnsserver.GetConfig(&kc)
		for _, h := range conf.ListenHosts {
			addr := conf.Transport + "://" + net.JoinHostPort(h, conf.Port)
			for _, p := range conf.Handlers() {
				vars.PluginEnabled.WithLabelValues(addr, conf.Zone, conf.ViewName, p.Name()).Set(1)
			}
		}
	}
}

// registerServerMetrics adds the server-wide collectors to m's registry, for
// a Metrics that was given a registry other than the default one.
func registerServerMetrics(m *Metrics) {
	for _, c := range []prometheus.Collector{
		buildInfo, vars.RequestCount, vars.RequestDuration, vars.RequestSize, vars.RequestDo,
		vars.ResponseSize, vars.ResponseRcode, vars.Panic, vars.PluginEnabled,
		vars.HTTPSResponsesCount, vars.HTTPS3ResponsesCount, vars.QUICResponsesCount,
	} {
		m.MustRegister(c)
	}
}
