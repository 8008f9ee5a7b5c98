package rewrite

import (
	"fmt"
	"strings"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("rewrite")

// cnameRule rewrites the target of a CNAME in the reply and replaces what
// followed it with the answer for the new target, looked up through the
// server itself.
type cnameRule struct {
	ruleMode
	typ      matchType
	from, to string // lower case, fully qualified; unused for regex
	re       regexReplace
	upstream *upstream.Upstream
}

// newCNAMERule parses the arguments that follow "cname": [TYPE] FROM TO.
func newCNAMERule(mode string, args []string) (Rule, error) {
	typ := matchExact
	switch len(args) {
	case 2:
	case 3:
		t, ok := parseMatchType(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown cname match type %q, expected one of exact, prefix, suffix, substring or regex", args[0])
		}
		typ = t
		args = args[1:]
	default:
		return nil, fmt.Errorf("cname rules need a FROM and a TO, with an optional match type before them, got %d arguments", len(args))
	}
	rule := &cnameRule{ruleMode: ruleMode{mode}, typ: typ, upstream: upstream.New()}
	if typ == matchRegex {
		re, err := newRegexReplace(args[0], args[1])
		if err != nil {
			return nil, err
		}
		rule.re = re
	} else {
		rule.from = plugin.Name(args[0]).Normalize()
		rule.to = plugin.Name(args[1]).Normalize()
	}
	return rule, nil
}

// The reply decides whether there is a CNAME to rewrite, so the rule
// applies to every query.
func (rule *cnameRule) mayApply(*dns.Msg, string) bool { return true }

func (rule *cnameRule) rewrite(q *query) (bool, error) {
	q.addResponse(rule)
	return true, nil
}

// newTarget returns the rewritten target, and whether target matches.
func (rule *cnameRule) newTarget(target string) (string, bool) {
	target = lowerName(target)
	switch rule.typ {
	case matchExact:
		return rule.to, target == rule.from
	case matchPrefix:
		if rest, ok := strings.CutPrefix(target, rule.from); ok {
			return rule.to + rest, true
		}
	case matchSuffix:
		if rest, ok := strings.CutSuffix(target, rule.from); ok {
			return rest + rule.to, true
		}
	case matchSubstring:
		if strings.Contains(target, rule.from) {
			return strings.ReplaceAll(target, rule.from, rule.to), true
		}
	default:
		return rule.re.replace(target)
	}
	return "", false
}

func (rule *cnameRule) rewriteResponse(q *query, m *dns.Msg) {
	for i, rr := range m.Answer {
		cname, ok := rr.(*dns.CNAME)
		if !ok {
			continue
		}
		target, ok := rule.newTarget(cname.Target)
		if !ok || target == cname.Target {
			continue
		}
		if _, ok := dns.IsDomainName(target); !ok {
			log.Errorf("Invalid CNAME target after rewrite: %s", target)
			return
		}
		// Keep the chain up to this CNAME, point it at the new target and
		// let the answer for the new target follow.
		answer := make([]dns.RR, 0, i+4)
		for _, prev := range m.Answer[:i] {
			if prev.Header().Rrtype == dns.TypeCNAME {
				answer = append(answer, prev)
			}
		}
		c := dns.Copy(cname).(*dns.CNAME)
		c.Target = target
		answer = append(answer, c)

		state := request.Request{W: q.client, Req: &q.req}
		res, err := rule.upstream.Lookup(q.ctx, state, target, q.req.Question[0].Qtype)
		if err != nil {
			log.Errorf("Failed to look up rewritten CNAME target %s: %s", target, err)
		} else {
			answer = append(answer, res.Answer...)
			// A truncated answer for the new target makes the whole reply
			// truncated, so the client retries over TCP rather than caching
			// a partial answer.
			m.Truncated = m.Truncated || res.Truncated
		}
		m.Answer = answer
		q.own[0] = true
		return
	}
}
