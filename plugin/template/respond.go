package template

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/expression"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr"
	"github.com/miekg/dns"
)

// respond writes the answer of t for data. On a template or record failure
// it writes nothing and returns SERVFAIL with the error.
func (t *template) respond(ctx context.Context, w dns.ResponseWriter, state *request.Request, data *templateData) (int, error) {
	msg := new(dns.Msg)
	msg.SetReply(state.Req)
	msg.Authoritative = true
	msg.Rcode = t.rcode

	var err error
	if msg.Answer, err = t.records(ctx, sectionAnswer, t.answer, data); err != nil {
		return dns.RcodeServerFailure, err
	}
	if t.upstream != nil && (state.QType() == dns.TypeA || state.QType() == dns.TypeAAAA) {
		msg.Answer = t.chase(ctx, state, msg)
	}
	if msg.Extra, err = t.records(ctx, sectionAdditional, t.additional, data); err != nil {
		return dns.RcodeServerFailure, err
	}
	if msg.Ns, err = t.records(ctx, sectionAuthority, t.authority, data); err != nil {
		return dns.RcodeServerFailure, err
	}
	if t.ederror != nil {
		msg.SetEdns0(4096, true)
		opt := msg.IsEdns0()
		opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: t.ederror.InfoCode, ExtraText: t.ederror.ExtraText})
	}

	w.WriteMsg(msg) //nolint:errcheck // nothing to do on a failed write
	if !plugin.ClientWrite(t.rcode) {
		// The reply is written; an rcode like REFUSED would make the server
		// write a second one.
		return dns.RcodeSuccess, nil
	}
	return t.rcode, nil
}

// records executes the templates of one section and parses what they give.
func (t *template) records(ctx context.Context, section string, tmpls []rrTemplate, data *templateData) ([]dns.RR, error) {
	if len(tmpls) == 0 {
		return nil, nil
	}
	rrs := make([]dns.RR, 0, len(tmpls))
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	for _, rt := range tmpls {
		buf.Reset()
		if err := rt.tmpl.Execute(buf, data); err != nil {
			server, view := serverAndView(ctx)
			templateFailureCount.WithLabelValues(server, data.Zone, view, t.classLabel, t.typeLabel, section, rt.text).Inc()
			return nil, err
		}
		rr, err := dns.NewRR(buf.String())
		if err == nil && rr == nil {
			err = errEmptyRR
		}
		if err != nil {
			server, view := serverAndView(ctx)
			templateRRFailureCount.WithLabelValues(server, data.Zone, view, t.classLabel, t.typeLabel, section, rt.text).Inc()
			return nil, err
		}
		rrs = append(rrs, rr)
	}
	return rrs, nil
}

var errEmptyRR = errors.New("template produced no resource record")

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// chase follows the CNAMEs of the answer: each target is looked up through
// the server with the query's type and what comes back joins the answer.
// Failed lookups leave the answer as it is.
func (t *template) chase(ctx context.Context, state *request.Request, msg *dns.Msg) []dns.RR {
	answer := msg.Answer
	for _, rr := range msg.Answer {
		cname, ok := rr.(*dns.CNAME)
		if !ok {
			continue
		}
		up, err := t.upstream.Lookup(ctx, *state, cname.Target, state.QType())
		if err != nil || up == nil {
			continue
		}
		msg.Truncated = msg.Truncated || up.Truncated
		answer = append(answer, up.Answer...)
	}
	return answer
}

// holds reports whether every expression of t is true for the query. An
// expression that fails to run counts as false.
func (t *template) holds(ctx context.Context, state *request.Request) bool {
	// A copy, so that only templates with expressions pay for the escape.
	st := *state
	env := expression.DefaultEnv(ctx, &st)
	for _, p := range t.exprs {
		out, err := expr.Run(p, env)
		if err != nil {
			log.Debugf("Expression failed: %s", err)
			return false
		}
		if b, ok := out.(bool); !ok || !b {
			return false
		}
	}
	return true
}

// serverAndView returns the metric labels of the server and view answering.
func serverAndView(ctx context.Context) (server, view string) {
	return metrics.WithServer(ctx), metrics.WithView(ctx)
}
