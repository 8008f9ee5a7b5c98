// Package rewrite implements the rewrite plugin: it changes a query before
// the rest of the chain sees it (name, type, class, EDNS0 options) and puts
// things back in the reply, so the client sees an answer to the question it
// asked. Rules can also change the TTLs, the rcode and CNAME targets of a
// reply.
package rewrite

import (
	"context"
	"errors"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// Processing modes of a rule.
const (
	// Stop ends rule processing once the rule has been applied.
	Stop = "stop"
	// Continue goes on with the next rule after this one was applied.
	Continue = "continue"
)

// Rewrite is the rewrite plugin. Rules are tried in order on every query.
type Rewrite struct {
	Next  plugin.Handler
	Rules []Rule
}

// Rule is one rewrite rule. Only this package implements it.
type Rule interface {
	// Mode returns Stop or Continue.
	Mode() string

	// mayApply is a cheap test, made before anything is copied: a rule
	// that would apply to the query must return true. name is the query
	// name in lower case.
	mayApply(r *dns.Msg, name string) bool
	// rewrite applies the rule to the query's private copy and reports
	// whether it did. An error fails the query.
	rewrite(q *query) (bool, error)
}

// ruleMode is embedded by every rule.
type ruleMode struct{ mode string }

// Mode implements Rule.
func (m ruleMode) Mode() string { return m.mode }

// ServeDNS implements plugin.Handler.
func (rw Rewrite) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) == 0 {
		return plugin.NextOrFailure(rw.Name(), rw.Next, ctx, w, r)
	}
	name := lowerName(r.Question[0].Name)
	first := -1
	for i, rl := range rw.Rules {
		if rl.mayApply(r, name) {
			first = i
			break
		}
	}
	if first < 0 {
		return plugin.NextOrFailure(rw.Name(), rw.Next, ctx, w, r)
	}

	q := newQuery(ctx, w, r, name)
	applied := false
	for _, rl := range rw.Rules[first:] {
		done, err := rl.rewrite(q)
		if err != nil {
			return dns.RcodeServerFailure, plugin.Error(rw.Name(), err)
		}
		if !done {
			continue
		}
		applied = true
		if rl.Mode() == Stop {
			break
		}
	}
	if !applied {
		return plugin.NextOrFailure(rw.Name(), rw.Next, ctx, w, r)
	}

	rcode, err := plugin.NextOrFailure(rw.Name(), rw.Next, ctx, &q.w, &q.req)
	if plugin.ClientWrite(rcode) {
		return rcode, err
	}
	// Nothing was written. Write the error here, so the reply carries the
	// client's question and the response rules see it.
	m := new(dns.Msg)
	m.SetRcode(&q.req, rcode)
	q.w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, err
}

// Name implements plugin.Handler.
func (rw Rewrite) Name() string { return "rewrite" }

// query is the state of one rewritten query: the private copy of the
// request handed to the next plugin and what is needed to fix the reply.
type query struct {
	ctx    context.Context //nolint:containedctx // lives as long as the query
	client dns.ResponseWriter
	orig   *dns.Msg // the client's request, never modified
	req    dns.Msg  // the copy the rest of the chain sees
	quest  [1]dns.Question
	name   string // the current query name, lower case

	opt    *dns.OPT // the private OPT record of req, once made
	optNew bool     // req had no OPT record; rewrite added it

	rules   []responseRule // in the order the rules were applied
	ruleBuf [4]responseRule

	w     reverter
	respQ [1]dns.Question
	own   [3]bool // the sections of the reply being written are private copies
}

func newQuery(ctx context.Context, w dns.ResponseWriter, r *dns.Msg, name string) *query {
	q := &query{ctx: ctx, client: w, orig: r, name: name}
	q.req = *r
	q.quest[0] = r.Question[0]
	if len(r.Question) == 1 {
		q.req.Question = q.quest[:]
	} else {
		q.req.Question = append([]dns.Question(nil), r.Question...)
	}
	q.rules = q.ruleBuf[:0]
	q.w = reverter{ResponseWriter: w, q: q}
	return q
}

// addResponse schedules rule for the reply.
func (q *query) addResponse(rule responseRule) { q.rules = append(q.rules, rule) }

// setName makes name the query name.
func (q *query) setName(name string) error {
	if _, ok := dns.IsDomainName(name); !ok {
		return errors.New("invalid name after rewrite: " + name)
	}
	q.req.Question[0].Name = name
	q.name = lowerName(name)
	return nil
}

// lowerName returns s in lower case, allocating only when s has upper case
// letters.
func lowerName(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
