package loop

import (
	"net"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	if err := parse(c); err != nil {
		return plugin.Error(name, err)
	}
	conf := dnsserver.GetConfig(c)
	l, err := New(conf.Zone)
	if err != nil {
		return plugin.Error(name, err)
	}

	// The listen address is final only after every setup ran (bind
	// changes it), so it is looked up at startup. The probe goes out in
	// the background: the servers start listening after the startup
	// callbacks return.
	c.OnStartup(func() error {
		if addr, ok := probeAddr(conf); ok {
			go l.probe(addr)
		}
		return nil
	})
	c.OnShutdown(l.stop)

	conf.AddPlugin(func(next plugin.Handler) plugin.Handler {
		l.Next = next
		return l
	})
	return nil
}

// parse reads "loop", which takes no arguments.
func parse(c *caddy.Controller) error {
	seen := false
	for c.Next() {
		if seen {
			return plugin.ErrOnce
		}
		seen = true
		if len(c.RemainingArgs()) > 0 {
			return c.ArgErr()
		}
		if c.NextBlock() {
			return c.Errf("unknown property %q", c.Val())
		}
	}
	return nil
}

// probeAddr returns where the server of conf receives plain DNS: its first
// listen address. Servers of other transports, and servers on a port the
// kernel picks (0), cannot be probed.
func probeAddr(conf *dnsserver.Config) (string, bool) {
	if conf.Transport != "" && conf.Transport != "dns" {
		return "", false
	}
	if conf.Port == "" || conf.Port == "0" {
		return "", false
	}
	host := ""
	if len(conf.ListenHosts) > 0 {
		host = conf.ListenHosts[0]
	}
	return net.JoinHostPort(host, conf.Port), true
}
