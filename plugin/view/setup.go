package view

import (
	"context"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/expression"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr"
)

var log = clog.NewWithPlugin("view")

func init() { plugin.Register("view", setup) }

func setup(c *caddy.Controller) error {
	v, err := parse(c)
	if err != nil {
		return plugin.Error("view", err)
	}
	cfg := dnsserver.GetConfig(c)
	// The filter is known before the servers are built, so that the blocks
	// sharing an address can be ordered with the views first.
	cfg.FilterFuncs = append(cfg.FilterFuncs, v.Filter)
	cfg.ViewName = v.viewName
	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
		v.Next = next
		return v
	})
	return nil
}

// parse reads "view NAME { expr EXPRESSION ... }", once per server block.
func parse(c *caddy.Controller) (*View, error) {
	v := &View{}
	c.Next() // "view"
	args := c.RemainingArgs()
	if len(args) != 1 {
		return nil, c.ArgErr()
	}
	v.viewName = args[0]
	// Only the shape of the environment matters for compiling.
	env := expression.DefaultEnv(context.Background(), &request.Request{})
	for c.NextBlock() {
		switch c.Val() {
		case "expr":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.ArgErr()
			}
			src := strings.Join(args, " ")
			p, err := expr.Compile(src, expr.Env(env))
			if err != nil {
				return nil, c.Errf("could not compile expression %q: %v", src, err)
			}
			v.progs = append(v.progs, p)
		default:
			return nil, c.Errf("unknown property %q", c.Val())
		}
	}
	if c.Next() {
		return nil, c.Err(plugin.ErrOnce.Error())
	}
	return v, nil
}
