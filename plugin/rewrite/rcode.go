package rewrite

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// rcodeRule changes the rcode of the reply to matching queries.
type rcodeRule struct {
	ruleMode
	match    nameMatcher
	from, to int
}

// newRcodeRule parses the arguments that follow "rcode":
// [TYPE] NAME FROM TO.
func newRcodeRule(mode string, args []string) (Rule, error) {
	typ := matchExact
	switch len(args) {
	case 3:
	case 4:
		t, ok := parseMatchType(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown rcode match type %q, expected one of exact, prefix, suffix, substring or regex", args[0])
		}
		typ = t
		args = args[1:]
	default:
		return nil, fmt.Errorf("rcode rules need a NAME, a FROM and a TO rcode, with an optional match type before them, got %d arguments", len(args))
	}
	m, err := newNameMatcher(typ, args[0])
	if err != nil {
		return nil, err
	}
	from, err := parseRcode(args[1])
	if err != nil {
		return nil, err
	}
	to, err := parseRcode(args[2])
	if err != nil {
		return nil, err
	}
	return &rcodeRule{ruleMode: ruleMode{mode}, match: m, from: from, to: to}, nil
}

// parseRcode reads an rcode by name (NOERROR, NXDOMAIN, ...) or number.
func parseRcode(s string) (int, error) {
	if rc, ok := dns.StringToRcode[strings.ToUpper(s)]; ok {
		return rc, nil
	}
	n, err := strconv.ParseUint(s, 10, 12)
	if err != nil {
		return 0, fmt.Errorf("invalid rcode %q", s)
	}
	return int(n), nil
}

func (rule *rcodeRule) mayApply(_ *dns.Msg, name string) bool { return rule.match.match(name) }

func (rule *rcodeRule) rewrite(q *query) (bool, error) {
	if !rule.match.match(q.name) {
		return false, nil
	}
	q.addResponse(rule)
	return true, nil
}

func (rule *rcodeRule) rewriteResponse(_ *query, m *dns.Msg) {
	if m.Rcode == rule.from {
		m.Rcode = rule.to
	}
}
