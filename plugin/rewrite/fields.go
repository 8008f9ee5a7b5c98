package rewrite

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// typeRule rewrites the query type.
type typeRule struct {
	ruleMode
	from, to uint16
}

func newTypeRule(mode string, args []string) (Rule, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("type rules need exactly two arguments, a FROM and a TO type, got %d", len(args))
	}
	from, err := parseType(args[0])
	if err != nil {
		return nil, err
	}
	to, err := parseType(args[1])
	if err != nil {
		return nil, err
	}
	return &typeRule{ruleMode: ruleMode{mode}, from: from, to: to}, nil
}

func parseType(s string) (uint16, error) {
	u := strings.ToUpper(s)
	if t, ok := dns.StringToType[u]; ok {
		return t, nil
	}
	if n, ok := strings.CutPrefix(u, "TYPE"); ok {
		if t, err := strconv.ParseUint(n, 10, 16); err == nil {
			return uint16(t), nil
		}
	}
	return 0, fmt.Errorf("invalid type %q", s)
}

func (rule *typeRule) mayApply(r *dns.Msg, _ string) bool { return r.Question[0].Qtype == rule.from }

func (rule *typeRule) rewrite(q *query) (bool, error) {
	if q.req.Question[0].Qtype != rule.from {
		return false, nil
	}
	q.req.Question[0].Qtype = rule.to
	return true, nil
}

// classRule rewrites the query class.
type classRule struct {
	ruleMode
	from, to uint16
}

func newClassRule(mode string, args []string) (Rule, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("class rules need exactly two arguments, a FROM and a TO class, got %d", len(args))
	}
	from, err := parseClass(args[0])
	if err != nil {
		return nil, err
	}
	to, err := parseClass(args[1])
	if err != nil {
		return nil, err
	}
	return &classRule{ruleMode: ruleMode{mode}, from: from, to: to}, nil
}

func parseClass(s string) (uint16, error) {
	u := strings.ToUpper(s)
	if c, ok := dns.StringToClass[u]; ok {
		return c, nil
	}
	if n, ok := strings.CutPrefix(u, "CLASS"); ok {
		if c, err := strconv.ParseUint(n, 10, 16); err == nil {
			return uint16(c), nil
		}
	}
	return 0, fmt.Errorf("invalid class %q", s)
}

func (rule *classRule) mayApply(r *dns.Msg, _ string) bool { return r.Question[0].Qclass == rule.from }

func (rule *classRule) rewrite(q *query) (bool, error) {
	if q.req.Question[0].Qclass != rule.from {
		return false, nil
	}
	q.req.Question[0].Qclass = rule.to
	return true, nil
}
