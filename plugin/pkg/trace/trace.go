// Package trace defines what a tracing plugin offers other plugins.
package trace

import (
	"github.com/coredns/coredns/plugin"

	opentracing "github.com/opentracing/opentracing-go"
)

// Trace is a plugin that holds an OpenTracing tracer.
type Trace interface {
	plugin.Handler
	Tracer() opentracing.Tracer
}
