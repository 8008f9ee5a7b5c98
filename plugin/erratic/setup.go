package erratic

import (
	"strconv"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

const name = "erratic"

// Defaults for options given without values.
const (
	defaultAmount   = 2
	defaultDuration = 100 * time.Millisecond
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	e, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(plugin.Handler) plugin.Handler { return e })
	return nil
}

// parse reads the erratic block. Without any option every second query is
// dropped; once an option is given only what is asked for happens.
func parse(c *caddy.Controller) (*Erratic, error) {
	e := &Erratic{}
	options := false
	for c.Next() {
		if len(c.RemainingArgs()) > 0 {
			return nil, c.ArgErr()
		}
		for c.NextBlock() {
			options = true
			opt := c.Val()
			args := c.RemainingArgs()
			var err error
			switch opt {
			case "drop":
				e.drop, err = amount(c, args, 1)
			case "truncate":
				e.truncate, err = amount(c, args, 1)
			case "delay":
				if e.delay, err = amount(c, args, 2); err != nil {
					break
				}
				e.duration = defaultDuration
				if len(args) == 2 {
					e.duration, err = time.ParseDuration(args[1])
					if err != nil || e.duration < 0 {
						err = c.Errf("invalid delay duration %q", args[1])
					}
				}
			case "large":
				if len(args) != 0 {
					err = c.ArgErr()
				}
				e.large = true
			default:
				err = c.Errf("unknown property %q", opt)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if !options {
		e.drop = defaultAmount
	}
	return e, nil
}

// amount parses the optional AMOUNT argument of an option that takes at most
// max arguments; it defaults to 2 and 0 turns the option off.
func amount(c *caddy.Controller, args []string, max int) (uint64, error) {
	if len(args) > max {
		return 0, c.ArgErr()
	}
	if len(args) == 0 {
		return defaultAmount, nil
	}
	n, err := strconv.ParseInt(args[0], 10, 32)
	if err != nil || n < 0 {
		return 0, c.Errf("illegal amount value given %q", args[0])
	}
	return uint64(n), nil
}
