// Package multisocket implements the multisocket plugin: it makes the
// server open several sockets on each of its addresses, with SO_REUSEPORT,
// so that the kernel spreads queries over as many server loops.
package multisocket

import (
	"runtime"
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const name = "multisocket"

// maxSockets bounds NUM_SOCKETS.
const maxSockets = 1024

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	n, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	dnsserver.GetConfig(c).NumSockets = n
	return nil
}

// parse reads "multisocket [NUM_SOCKETS]"; without a number it is GOMAXPROCS.
func parse(c *caddy.Controller) (int, error) {
	c.Next() // "multisocket"
	args := c.RemainingArgs()
	if len(args) > 1 {
		return 0, c.ArgErr()
	}
	if c.NextBlock() {
		return 0, c.Errf("unexpected block property %q", c.Val())
	}
	if c.Next() {
		return 0, c.Errf("multisocket can only be specified once per server block")
	}
	if len(args) == 0 {
		return runtime.GOMAXPROCS(0), nil
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Errf("invalid num sockets %q: %v", args[0], err)
	}
	if n < 1 {
		return 0, c.Errf("num sockets can not be zero or negative: %d", n)
	}
	if n > maxSockets {
		return 0, c.Errf("num sockets can not exceed %d: %d", maxSockets, n)
	}
	return n, nil
}
