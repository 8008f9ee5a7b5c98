package errors

import (
	"regexp"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("errors", setup) }

// maxRegexpLen bounds the length of a consolidate REGEXP.
const maxRegexpLen = 10000

func setup(c *caddy.Controller) error {
	h, err := errorsParse(c)
	if err != nil {
		return plugin.Error("errors", err)
	}
	c.OnShutdown(func() error {
		h.stop()
		return nil
	})
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

func errorsParse(c *caddy.Controller) (*errorHandler, error) {
	h := &errorHandler{}
	seen := false
	for c.Next() {
		if seen {
			return nil, c.Err(plugin.ErrOnce.Error())
		}
		seen = true

		switch args := c.RemainingArgs(); len(args) {
		case 0:
		case 1:
			if args[0] != "stdout" {
				return nil, c.Errf("invalid log file: %s", args[0])
			}
		default:
			return nil, c.ArgErr()
		}

		for c.NextBlock() {
			switch c.Val() {
			case "stacktrace":
				if c.NextArg() {
					return nil, c.ArgErr()
				}
				dnsserver.GetConfig(c).Stacktrace = true
			case "consolidate":
				p, err := parseConsolidate(c)
				if err != nil {
					return nil, err
				}
				h.patterns = append(h.patterns, p)
			default:
				return nil, c.Errf("unknown property %q", c.Val())
			}
		}
	}
	return h, nil
}

// parseConsolidate reads "consolidate DURATION REGEXP [LEVEL] [show_first]".
func parseConsolidate(c *caddy.Controller) (*pattern, error) {
	args := c.RemainingArgs()
	if len(args) < 2 || len(args) > 4 {
		return nil, c.ArgErr()
	}
	period, err := time.ParseDuration(args[0])
	if err != nil {
		return nil, c.Errf("invalid duration %q: %v", args[0], err)
	}
	if period <= 0 {
		return nil, c.Errf("duration must be positive: %q", args[0])
	}
	if len(args[1]) > maxRegexpLen {
		return nil, c.Errf("regexp longer than %d characters", maxRegexpLen)
	}
	re, err := regexp.Compile(args[1])
	if err != nil {
		return nil, c.Errf("invalid regexp %q: %v", args[1], err)
	}
	p := &pattern{period: period, re: re, logf: log.Error}

	level := false
	for _, a := range args[2:] {
		switch a {
		case "show_first":
			if p.showFirst {
				return nil, c.Errf("show_first given twice")
			}
			p.showFirst = true
			continue
		case "warning":
			p.logf = log.Warning
		case "error":
			p.logf = log.Error
		case "info":
			p.logf = log.Info
		case "debug":
			p.logf = log.Debug
		default:
			return nil, c.Errf("unknown log level or option %q", a)
		}
		if level {
			return nil, c.Errf("more than one log level: %q", a)
		}
		level = true
	}
	return p, nil
}
