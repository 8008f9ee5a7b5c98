package header

import (
	"fmt"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("header", setup) }

func setup(c *caddy.Controller) error {
	h, err := parse(c)
	if err != nil {
		return plugin.Error("header", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		h.Next = next
		return h
	})
	return nil
}

// parse reads every header directive of a server block:
//
//	header {
//	    SELECTOR ACTION FLAGS...
//	}
//
// Actions apply in the order written, across directives.
func parse(c *caddy.Controller) (*Header, error) {
	h := &Header{}
	rules := 0
	for c.Next() {
		if len(c.RemainingArgs()) > 0 {
			return nil, c.ArgErr()
		}
		for c.NextBlock() {
			if err := parseRule(c, h); err != nil {
				return nil, err
			}
			rules++
		}
	}
	if rules == 0 {
		return nil, c.Err("no rules given: want query or response rules in a block")
	}
	return h, nil
}

// parseRule reads one "SELECTOR ACTION FLAGS..." line into h.
func parseRule(c *caddy.Controller, h *Header) error {
	var target *Rules
	switch sel := strings.ToLower(c.Val()); sel {
	case "query":
		target = &h.query
	case "response":
		target = &h.response
	default:
		return c.Errf("invalid selector %q: want query or response", c.Val())
	}
	args := c.RemainingArgs()
	if len(args) < 2 {
		return c.ArgErr()
	}
	var set bool
	switch strings.ToLower(args[0]) {
	case "set":
		set = true
	case "clear":
		set = false
	default:
		return c.Errf("invalid action %q: want set or clear", args[0])
	}
	for _, name := range args[1:] {
		f, ok := flagNames[strings.ToLower(name)]
		if !ok {
			return c.Err(fmt.Sprintf("invalid flag %q: want aa, ra or rd", name))
		}
		target.add(f, set)
	}
	return nil
}
