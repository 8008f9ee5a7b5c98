package kubernetes

import (
	"fmt"
	"strings"
	"sync"

	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

var klogOnce sync.Once

// routeKlog sends what client-go logs through klog to this plugin's logger,
// so nothing reaches stderr in klog's own format. klog allows changing its
// logger only while nothing logs, so this is done once, before the first
// informer starts.
func routeKlog() {
	klogOnce.Do(func() {
		klog.SetLoggerWithOptions(logr.New(&klogSink{}), klog.ContextualLogger(true))
	})
}

// klogSink is a logr.LogSink writing to the plugin log: klog's info
// messages (level 0) as INFO, the verbose levels as DEBUG, errors as ERROR.
type klogSink struct {
	name   string
	values []any
}

// Init implements logr.LogSink.
func (s *klogSink) Init(logr.RuntimeInfo) {}

// Enabled implements logr.LogSink: verbose messages cost nothing unless the
// debug plugin is on.
func (s *klogSink) Enabled(level int) bool { return level <= 0 || clog.D.Value() }

// Info implements logr.LogSink.
func (s *klogSink) Info(level int, msg string, kv ...any) {
	if level > 0 {
		log.Debug(s.format(msg, nil, kv))
		return
	}
	log.Info(s.format(msg, nil, kv))
}

// Error implements logr.LogSink.
func (s *klogSink) Error(err error, msg string, kv ...any) {
	log.Error(s.format(msg, err, kv))
}

// WithValues implements logr.LogSink.
func (s *klogSink) WithValues(kv ...any) logr.LogSink {
	n := &klogSink{name: s.name, values: make([]any, 0, len(s.values)+len(kv))}
	n.values = append(append(n.values, s.values...), kv...)
	return n
}

// WithName implements logr.LogSink.
func (s *klogSink) WithName(name string) logr.LogSink {
	n := &klogSink{name: name, values: s.values}
	if s.name != "" {
		n.name = s.name + "/" + name
	}
	return n
}

// format renders msg, the error and the key/value pairs on one line.
func (s *klogSink) format(msg string, err error, kv []any) string {
	var b strings.Builder
	if s.name != "" {
		b.WriteString(s.name)
		b.WriteString(": ")
	}
	b.WriteString(msg)
	if err != nil {
		b.WriteString(": ")
		b.WriteString(err.Error())
	}
	writePairs(&b, s.values)
	writePairs(&b, kv)
	return b.String()
}

func writePairs(b *strings.Builder, kv []any) {
	for i := 0; i < len(kv); i += 2 {
		b.WriteByte(' ')
		fmt.Fprint(b, kv[i])
		b.WriteByte('=')
		if i+1 < len(kv) {
			fmt.Fprintf(b, "%v", kv[i+1])
		}
	}
}
