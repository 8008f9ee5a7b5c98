package bufsize

import (
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("bufsize", setup) }

// The default and the range of the buffer size.
const (
	defaultSize = 1232
	minSize     = 512
	maxSize     = 4096
)

func setup(c *caddy.Controller) error {
	size, err := parse(c)
	if err != nil {
		return plugin.Error("bufsize", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return Bufsize{Next: next, Size: size}
	})
	return nil
}

// parse reads "bufsize [SIZE]".
func parse(c *caddy.Controller) (int, error) {
	c.Next() // "bufsize"
	size := defaultSize
	switch args := c.RemainingArgs(); len(args) {
	case 0:
	case 1:
		n, err := strconv.Atoi(args[0])
		if err != nil {
			return 0, c.Errf("invalid buffer size %q: not a number", args[0])
		}
		if n < minSize || n > maxSize {
			return 0, c.Errf("buffer size %d is out of range: it must be within %d - %d", n, minSize, maxSize)
		}
		size = n
	default:
		return 0, c.ArgErr()
	}
	if c.NextBlock() {
		return 0, c.Errf("unexpected block: bufsize takes no options")
	}
	if c.Next() {
		return 0, c.Err(plugin.ErrOnce.Error())
	}
	return size, nil
}
