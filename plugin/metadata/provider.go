// Package metadata lets plugins attach named, lazily computed values to the
// context of a query, and lets other plugins read them back.
//
// A value lives under a label of the form "plugin/name" and is stored as a
// Func; the value is only computed when a reader calls the Func. A plugin
// that offers values implements Provider; the metadata plugin calls every
// Provider in the server block before the plugin chain runs:
//
//	func (p P) Metadata(ctx context.Context, state request.Request) context.Context {
//		metadata.SetValueFunc(ctx, "p/client", func() string { return state.IP() })
//		return ctx
//	}
//
// and a reader looks the value up by label:
//
//	if f := metadata.ValueFunc(ctx, "p/client"); f != nil {
//		client := f()
//	}
//
// A Func that is costly should cache its result: it may be called more than
// once per query, and the value is expected not to change while the query is
// handled.
package metadata

import (
	"context"
	"sort"
	"strings"

	"github.com/coredns/coredns/request"
)

// Provider is implemented by plugins that publish metadata.
type Provider interface {
	// Metadata adds the plugin's values to ctx, typically with SetValueFunc,
	// and returns the context to continue with. It runs for every query, so
	// it must be quick: put the real work in the Funcs.
	Metadata(ctx context.Context, state request.Request) context.Context
}

// Func returns the value of one label.
type Func func() string

// values is the per-query store of metadata, kept in the context.
type values map[string]Func

// key is the context key of the values map.
type key struct{}

// ContextWithMetadata returns a child of ctx that carries an empty metadata
// store. The metadata plugin calls it for every query; tests of providers can
// use it to get a context SetValueFunc writes to.
func ContextWithMetadata(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, values{})
}

// IsLabel reports whether label has the "plugin/name" form: a slash with at
// least one character before and after it.
func IsLabel(label string) bool {
	p := strings.IndexByte(label, '/')
	return p > 0 && p < len(label)-1
}

// Labels returns the labels set in ctx, sorted, or nil when ctx carries no
// metadata.
func Labels(ctx context.Context) []string {
	m, ok := ctx.Value(key{}).(values)
	if !ok {
		return nil
	}
	labels := make([]string, 0, len(m))
	for l := range m {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	return labels
}

// ValueFuncs returns every label and its Func set in ctx, or nil when ctx
// carries no metadata. The map is the store itself: do not change it.
func ValueFuncs(ctx context.Context) map[string]Func {
	m, ok := ctx.Value(key{}).(values)
	if !ok {
		return nil
	}
	return m
}

// ValueFunc returns the Func stored under label, or nil when the label is
// unknown or ctx carries no metadata.
func ValueFunc(ctx context.Context, label string) Func {
	m, ok := ctx.Value(key{}).(values)
	if !ok {
		return nil
	}
	return m[label]
}

// SetValueFunc stores f under label, replacing any earlier Func. It returns
// false, and does nothing, when ctx carries no metadata store (the metadata
// plugin is not configured for this query).
func SetValueFunc(ctx context.Context, label string, f Func) bool {
	m, ok := ctx.Value(key{}).(values)
	if !ok {
		return false
	}
	m[label] = f
	return true
}
