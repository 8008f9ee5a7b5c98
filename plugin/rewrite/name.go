package rewrite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

// nameRule rewrites the query name.
type nameRule struct {
	ruleMode
	typ     matchType
	from    string // lower case, fully qualified; unused for regex
	to      string
	re      regexReplace
	auto    bool           // answer auto
	reverse responseRule   // fixed answer rewrite (exact, suffix auto), or nil
	answers []responseRule // answer name and answer value options
}

// newNameRule parses the arguments that follow "name":
// [TYPE] FROM TO [answer auto|answer name FROM TO|answer value FROM TO]...
func newNameRule(mode string, args []string) (Rule, error) {
	if len(args) < 2 {
		return nil, errors.New("name rules need a FROM and a TO")
	}
	typ := matchExact
	if len(args) > 2 {
		t, ok := parseMatchType(args[0])
		if !ok {
			return nil, fmt.Errorf("unknown name match type %q, expected one of exact, prefix, suffix, substring or regex", args[0])
		}
		typ = t
		args = args[1:]
		if len(args) < 2 {
			return nil, errors.New("name rules need a FROM and a TO")
		}
	}
	rule := &nameRule{ruleMode: ruleMode{mode}, typ: typ}
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
	if err := rule.parseAnswers(args[2:]); err != nil {
		return nil, err
	}
	switch {
	case typ == matchExact:
		// The answer to an exact rewrite is always mapped back.
		rule.reverse = &nameMap{owner: true, value: true, exact: true, from: rule.to, to: rule.from}
	case typ == matchSuffix && rule.auto:
		rule.reverse = &nameMap{owner: true, value: true, from: rule.to, to: rule.from}
	}
	return rule, nil
}

// parseAnswers reads the answer options of a name rule. The keyword
// "answer" must start them and may be left out after the first.
func (rule *nameRule) parseAnswers(args []string) error {
	if len(args) == 0 {
		return nil
	}
	if !strings.EqualFold(args[0], "answer") {
		return fmt.Errorf("unexpected %q after name rule, expected answer", args[0])
	}
	for len(args) > 0 {
		if strings.EqualFold(args[0], "answer") {
			args = args[1:]
		}
		if len(args) == 0 {
			return errors.New("answer needs auto, name FROM TO or value FROM TO")
		}
		kind := strings.ToLower(args[0])
		switch {
		case kind == "auto":
			rule.auto = true
			args = args[1:]
		case kind == "name" && len(args) > 1 && strings.EqualFold(args[1], "auto"):
			rule.auto = true
			args = args[2:]
		case (kind == "name" || kind == "value") && len(args) >= 3:
			re, err := newRegexReplace(args[1], args[2])
			if err != nil {
				return err
			}
			rule.answers = append(rule.answers, &regexNames{regexReplace: re, owner: kind == "name", value: kind == "value"})
			args = args[3:]
		case kind == "name" || kind == "value":
			return fmt.Errorf("answer %s needs a FROM and a TO", kind)
		default:
			return fmt.Errorf("unknown answer option %q, expected auto, name or value", args[0])
		}
	}
	return nil
}

func (rule *nameRule) mayApply(_ *dns.Msg, name string) bool {
	switch rule.typ {
	case matchExact:
		return name == rule.from
	case matchPrefix:
		return strings.HasPrefix(name, rule.from)
	case matchSuffix:
		return strings.HasSuffix(name, rule.from)
	case matchSubstring:
		return strings.Contains(name, rule.from)
	default:
		return rule.re.re.MatchString(name)
	}
}

func (rule *nameRule) rewrite(q *query) (bool, error) {
	name := q.name
	var to string
	switch rule.typ {
	case matchExact:
		if name != rule.from {
			return false, nil
		}
		to = rule.to
	case matchPrefix:
		if !strings.HasPrefix(name, rule.from) {
			return false, nil
		}
		to = rule.to + name[len(rule.from):]
	case matchSuffix:
		if !strings.HasSuffix(name, rule.from) {
			return false, nil
		}
		to = name[:len(name)-len(rule.from)] + rule.to
	case matchSubstring:
		if !strings.Contains(name, rule.from) {
			return false, nil
		}
		to = strings.ReplaceAll(name, rule.from, rule.to)
	default:
		var ok bool
		if to, ok = rule.re.replace(name); !ok {
			return false, nil
		}
	}
	if err := q.setName(to); err != nil {
		return false, err
	}
	switch {
	case rule.reverse != nil:
		q.addResponse(rule.reverse)
	case rule.auto:
		q.addResponse(&nameMap{owner: true, value: true, exact: true, from: q.name, to: name})
	}
	for _, a := range rule.answers {
		q.addResponse(a)
	}
	return true, nil
}

// nameMap maps names of a reply back: the name from becomes to (exact), or
// a name ending in from gets to as its ending instead.
type nameMap struct {
	owner, value bool // rewrite owner names, names in record data
	exact        bool
	from, to     string
}

func (n *nameMap) rewriteResponse(q *query, m *dns.Msg) { q.rewriteRecords(m, n) }

func (n *nameMap) mapName(name string) (string, bool) {
	if n.exact {
		if strings.EqualFold(name, n.from) {
			return n.to, true
		}
		return "", false
	}
	if hasSuffixFold(name, n.from) {
		return name[:len(name)-len(n.from)] + n.to, true
	}
	return "", false
}

func (n *nameMap) rewriteRecord(rr dns.RR) dns.RR {
	return rewriteNames(rr, n.owner, n.value, n.mapName)
}

// regexNames rewrites the names of a reply that match a regex (the answer
// name and answer value options).
type regexNames struct {
	regexReplace
	owner, value bool
}

func (n *regexNames) rewriteResponse(q *query, m *dns.Msg) { q.rewriteRecords(m, n) }

func (n *regexNames) rewriteRecord(rr dns.RR) dns.RR {
	return rewriteNames(rr, n.owner, n.value, n.replace)
}

// rewriteNames returns a copy of rr with its owner name and/or the name in
// its data mapped by f, or nil if neither changes.
func rewriteNames(rr dns.RR, owner, value bool, f func(string) (string, bool)) dns.RR {
	var newOwner, newValue string
	var ownerOK, valueOK bool
	if owner {
		newOwner, ownerOK = f(rr.Header().Name)
		ownerOK = ownerOK && newOwner != rr.Header().Name
	}
	if value {
		if v, ok := valueName(rr); ok {
			newValue, valueOK = f(v)
			valueOK = valueOK && newValue != v
		}
	}
	if !ownerOK && !valueOK {
		return nil
	}
	c := dns.Copy(rr)
	if ownerOK {
		c.Header().Name = newOwner
	}
	if valueOK {
		setValueName(c, newValue)
	}
	return c
}
