// Package errors implements the errors plugin: it logs the errors the rest
// of the plugin chain returns, optionally folding frequent ones into one
// summary line per period.
package errors

import (
	"context"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("errors")

// pattern is one consolidate rule: errors matching re are counted and
// reported once per period.
type pattern struct {
	count     atomic.Uint32
	timer     atomic.Pointer[time.Timer]
	period    time.Duration
	re        *regexp.Regexp
	logf      func(v ...any) // logs at the configured level
	showFirst bool           // log the first error of a period in full
}

// errorHandler logs errors returned by the next plugin.
type errorHandler struct {
	patterns []*pattern
	stopped  atomic.Bool
	Next     plugin.Handler
}

// ServeDNS implements plugin.Handler.
func (h *errorHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	rcode, err := plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	if err == nil {
		return rcode, nil
	}

	msg := err.Error()
	for i, p := range h.patterns {
		if !p.re.MatchString(msg) {
			continue
		}
		first, counted := h.inc(i)
		switch {
		case !counted:
			// Shutting down: no summary will follow, so log it now.
			p.logf(line(rcode, r, w, msg))
		case first && p.showFirst:
			p.logf(line(rcode, r, w, msg))
		}
		return rcode, err
	}
	log.Error(line(rcode, r, w, msg))
	return rcode, err
}

// line renders one error as "RCODE NAME TYPE: ERROR".
func line(rcode int, r *dns.Msg, w dns.ResponseWriter, msg string) string {
	state := request.Request{W: w, Req: r}
	return strconv.Itoa(rcode) + " " + state.Name() + " " + state.Type() + ": " + msg
}

// inc counts an error for pattern i. first is true for the first error of
// a period, which also starts the period's timer. counted is false once the
// handler has stopped.
func (h *errorHandler) inc(i int) (first, counted bool) {
	if h.stopped.Load() {
		return false, false
	}
	p := h.patterns[i]
	if p.count.Add(1) != 1 {
		return false, true
	}
	t := time.AfterFunc(p.period, func() { h.report(i) })
	p.timer.Store(t)
	// stop may have run between the check above and storing the timer; make
	// sure the count is not left behind.
	if h.stopped.Load() && t.Stop() {
		h.report(i)
	}
	return true, true
}

// report logs the summary of pattern i and starts a new period.
func (h *errorHandler) report(i int) {
	p := h.patterns[i]
	n := p.count.Swap(0)
	if n == 0 || (n == 1 && p.showFirst) {
		return // nothing, or only the error already logged in full
	}
	p.logf(strconv.FormatUint(uint64(n), 10) + " errors like '" + p.re.String() +
		"' occurred in last " + p.period.String())
}

// stop flushes pending summaries and stops the timers.
func (h *errorHandler) stop() {
	h.stopped.Store(true)
	for i, p := range h.patterns {
		if t := p.timer.Load(); t != nil && t.Stop() {
			h.report(i)
		}
	}
}

// Name implements plugin.Handler.
func (h *errorHandler) Name() string { return "errors" }
