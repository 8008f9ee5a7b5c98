// Package log implements the log plugin: a query log written to standard
// output, one line per query, in a configurable format.
package log

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/replacer"
	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Formats of a log line.
const (
	// CommonLogFormat is the format used when none is given.
	CommonLogFormat = `{remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags} {rsize} {duration}`
	// CombinedLogFormat is CommonLogFormat with the query opcode appended.
	CombinedLogFormat = CommonLogFormat + ` "{>opcode}"`
	// DefaultLogFormat is the format of a rule that does not name one.
	DefaultLogFormat = CommonLogFormat
)

// Logger is the log plugin's handler.
type Logger struct {
	Next  plugin.Handler
	Rules []Rule

	repl replacer.Replacer
}

// Rule says which queries to log and how.
type Rule struct {
	// NameScope is the zone whose names this rule logs.
	NameScope string
	// Class holds the response classes to log; response.All logs everything.
	Class map[response.Class]struct{}
	// Format is the line format, with placeholders.
	Format string
}

// ServeDNS passes the query on and logs it, when a rule covers its name,
// once the rest of the chain is done. Only the first matching rule is used.
func (l Logger) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	name := state.Name()
	for i := range l.Rules {
		rule := &l.Rules[i]
		if rule.NameScope != "." && !plugin.Name(rule.NameScope).Matches(name) {
			continue
		}

		rec := dnstest.NewRecorder(w)
		rc, err := plugin.NextOrFailure(l.Name(), l.Next, ctx, rec, r)

		if rec.Msg == nil && !plugin.ClientWrite(rc) {
			// The server writes this reply after we return; log what the
			// client is going to get.
			deferredReply(&state, rec, rc)
		}
		if rule.logs(rec.Msg) {
			clog.Info(l.repl.Replace(ctx, state, rec, rule.Format))
		}
		return rc, err
	}
	return plugin.NextOrFailure(l.Name(), l.Next, ctx, w, r)
}

// deferredReply fills rec with the error reply the server sends for rc.
func deferredReply(state *request.Request, rec *dnstest.Recorder, rc int) {
	m := new(dns.Msg)
	m.SetRcode(state.Req, rc)
	state.SizeAndDo(m)
	rec.Msg = m
	rec.Rcode = rc
	rec.Len = m.Len()
}

// logs reports whether a response m falls in one of the rule's classes.
func (r *Rule) logs(m *dns.Msg) bool {
	if _, ok := r.Class[response.All]; ok {
		return true
	}
	t, _ := response.Typify(m, time.Now().UTC())
	_, ok := r.Class[response.Classify(t)]
	return ok
}

// Name implements plugin.Handler.
func (l Logger) Name() string { return "log" }
