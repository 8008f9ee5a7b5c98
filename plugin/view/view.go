// Package view implements a plugin that routes a query to its server block
// only when the block's expressions hold for the query, which allows split
// DNS: several blocks for one zone, each answering a different audience.
package view

import (
	"context"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/expression"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/miekg/dns"
)

// View holds the name and the compiled expressions of one view. The server
// calls Filter to decide whether the block serves a query; as a handler in
// the chain it only passes queries on.
type View struct {
	Next plugin.Handler

	viewName string
	progs    []*vm.Program
}

// Filter reports whether every expression of the view is true for the
// query. An expression that fails, or gives anything but the boolean true,
// counts as false.
func (v *View) Filter(ctx context.Context, state *request.Request) bool {
	if len(v.progs) == 0 {
		return true
	}
	env := expression.DefaultEnv(ctx, state)
	for _, p := range v.progs {
		out, err := expr.Run(p, env)
		if err != nil {
			log.Debugf("Expression of view %q failed: %s", v.viewName, err)
			return false
		}
		if b, ok := out.(bool); !ok || !b {
			return false
		}
	}
	return true
}

// ViewName returns the name of the view.
func (v *View) ViewName() string { return v.viewName }

// Metadata publishes the view's name under "view/name".
func (v *View) Metadata(ctx context.Context, _ request.Request) context.Context {
	metadata.SetValueFunc(ctx, "view/name", v.name)
	return ctx
}

func (v *View) name() string { return v.viewName }

// ServeDNS implements plugin.Handler; the choice was made before the chain
// ran, so the query is passed on unchanged.
func (v *View) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(v.Name(), v.Next, ctx, w, r)
}

// Name implements plugin.Handler.
func (v *View) Name() string { return "view" }
