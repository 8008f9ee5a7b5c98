package rewrite

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// ttlRule keeps the TTLs of the reply to matching queries within
// [min, max].
type ttlRule struct {
	ruleMode
	match    nameMatcher
	min, max uint32
}

// newTTLRule parses the arguments that follow "ttl": [TYPE] NAME TTL, where
// TTL is SECONDS, MIN-MAX, MIN- or -MAX.
func newTTLRule(mode string, args []string) (Rule, error) {
	typ := matchExact
	switch len(args) {
	case 2:
	case 3:
		t, ok := parseMatchType(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown ttl match type %q, expected one of exact, prefix, suffix, substring or regex", args[0])
		}
		typ = t
		args = args[1:]
	default:
		return nil, fmt.Errorf("ttl rules need a NAME and a TTL, with an optional match type before them, got %d arguments", len(args))
	}
	m, err := newNameMatcher(typ, args[0])
	if err != nil {
		return nil, err
	}
	lo, hi, err := parseTTLRange(args[1])
	if err != nil {
		return nil, err
	}
	return &ttlRule{ruleMode: ruleMode{mode}, match: m, min: lo, max: hi}, nil
}

// parseTTLRange reads SECONDS, MIN-MAX, MIN- or -MAX.
func parseTTLRange(s string) (lo, hi uint32, err error) {
	loS, hiS, isRange := strings.Cut(s, "-")
	if !isRange {
		v, err := parseTTL(s)
		return v, v, err
	}
	if loS == "" && hiS == "" {
		return 0, 0, fmt.Errorf("invalid TTL range %q", s)
	}
	// An open upper bound is the largest TTL RFC 2181 allows.
	lo, hi = 0, math.MaxInt32
	if loS != "" {
		if lo, err = parseTTL(loS); err != nil {
			return 0, 0, err
		}
	}
	if hiS != "" {
		if hi, err = parseTTL(hiS); err != nil {
			return 0, 0, err
		}
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("invalid TTL range %q: minimum above maximum", s)
	}
	return lo, hi, nil
}

func parseTTL(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return 0, fmt.Errorf("TTL %q is out of range", s)
		}
		return 0, fmt.Errorf("invalid TTL %q", s)
	}
	return uint32(v), nil
}

func (rule *ttlRule) mayApply(_ *dns.Msg, name string) bool { return rule.match.match(name) }

func (rule *ttlRule) rewrite(q *query) (bool, error) {
	if !rule.match.match(q.name) {
		return false, nil
	}
	q.addResponse(rule)
	return true, nil
}

func (rule *ttlRule) rewriteResponse(q *query, m *dns.Msg) { q.rewriteRecords(m, rule) }

func (rule *ttlRule) rewriteRecord(rr dns.RR) dns.RR {
	ttl := rr.Header().Ttl
	switch {
	case ttl < rule.min:
		ttl = rule.min
	case ttl > rule.max:
		ttl = rule.max
	default:
		return nil
	}
	c := dns.Copy(rr)
	c.Header().Ttl = ttl
	return c
}
