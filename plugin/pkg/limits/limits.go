// Package limits parses the small setup blocks of the plugins that tune
// server limits (https, https3, quic, grpc_server): a directive without
// arguments, given at most once per server block, whose block holds lines of
// the form "NAME INTEGER".
package limits

import (
	"strconv"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
)

// Option is one "NAME N" line the block may hold.
type Option struct {
	Name string
	// Min is the smallest value allowed: 0 or 1.
	Min int
	// Set stores the value read.
	Set func(n int)
}

// Parse reads the directive c is at, with its block, calling the Set of
// each option given. Errors name the file and line.
func Parse(c *caddy.Controller, opts ...Option) error {
	seen := false
	for c.Next() {
		if seen {
			return plugin.ErrOnce
		}
		seen = true
		if len(c.RemainingArgs()) > 0 {
			return c.ArgErr()
		}
	next:
		for c.NextBlock() {
			for _, o := range opts {
				if c.Val() != o.Name {
					continue
				}
				n, err := integer(c, o.Min)
				if err != nil {
					return err
				}
				o.Set(n)
				continue next
			}
			return c.Errf("unknown property '%s'", c.Val())
		}
	}
	return nil
}

// integer reads the one integer argument, at least least, of the current
// option.
func integer(c *caddy.Controller, least int) (int, error) {
	name := c.Val()
	args := c.RemainingArgs()
	if len(args) != 1 {
		return 0, c.ArgErr()
	}
	n, err := strconv.Atoi(args[0])
	if err != nil {
		return 0, c.Errf("invalid value for %s: %s", name, args[0])
	}
	if n < least {
		if least == 1 {
			return 0, c.Errf("%s must be a positive integer: %s", name, args[0])
		}
		return 0, c.Errf("%s must be a non-negative integer: %s", name, args[0])
	}
	return n, nil
}
