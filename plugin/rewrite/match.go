package rewrite

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/coredns/coredns/plugin"
)

// Match types of the rules that compare names.
const (
	ExactMatch     = "exact"
	PrefixMatch    = "prefix"
	SuffixMatch    = "suffix"
	SubstringMatch = "substring"
	RegexMatch     = "regex"
)

type matchType uint8

const (
	matchExact matchType = iota
	matchPrefix
	matchSuffix
	matchSubstring
	matchRegex
)

var matchTypes = map[string]matchType{
	ExactMatch:     matchExact,
	PrefixMatch:    matchPrefix,
	SuffixMatch:    matchSuffix,
	SubstringMatch: matchSubstring,
	RegexMatch:     matchRegex,
}

// parseMatchType returns the match type named s (any case).
func parseMatchType(s string) (matchType, bool) {
	t, ok := matchTypes[strings.ToLower(s)]
	return t, ok
}

// nameMatcher compares a lower-case name with a pattern. Patterns of all
// types but regex are domain names: lower case with a final dot.
type nameMatcher struct {
	typ     matchType
	pattern string
	re      *regexp.Regexp
}

func newNameMatcher(typ matchType, pattern string) (nameMatcher, error) {
	m := nameMatcher{typ: typ}
	if typ == matchRegex {
		re, err := compileRegex(pattern)
		if err != nil {
			return m, err
		}
		m.re = re
		m.pattern = pattern
		return m, nil
	}
	m.pattern = plugin.Name(pattern).Normalize()
	return m, nil
}

func (m *nameMatcher) match(name string) bool {
	switch m.typ {
	case matchExact:
		return name == m.pattern
	case matchPrefix:
		return strings.HasPrefix(name, m.pattern)
	case matchSuffix:
		return strings.HasSuffix(name, m.pattern)
	case matchSubstring:
		return strings.Contains(name, m.pattern)
	default:
		return m.re.MatchString(name)
	}
}

func compileRegex(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regex pattern %q: %w", pattern, err)
	}
	return re, nil
}

// template is a replacement with {N} references to regex groups, split
// once at start-up.
type template []templatePart

// templatePart is literal text, or the group number when group >= 0.
type templatePart struct {
	text  string
	group int
}

func parseTemplate(s string) template {
	var t template
	for len(s) > 0 {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		n, err := strconv.Atoi(s[open+1 : open+end])
		if err != nil || n < 0 || s[open+1] == '+' {
			// Not a group reference: keep it, up to and including the '{'.
			t = append(t, templatePart{text: s[:open+1], group: -1})
			s = s[open+1:]
			continue
		}
		if open > 0 {
			t = append(t, templatePart{text: s[:open], group: -1})
		}
		t = append(t, templatePart{text: s[open : open+end+1], group: n})
		s = s[open+end+1:]
	}
	if len(s) > 0 {
		t = append(t, templatePart{text: s, group: -1})
	}
	return t
}

// expand builds the replacement for a match of re on name; idx comes from
// FindStringSubmatchIndex. A reference to a group the expression lacks is
// kept as it is written; a group that did not take part is empty.
func (t template) expand(name string, idx []int) string {
	var b strings.Builder
	for _, p := range t {
		if p.group < 0 || 2*p.group+1 >= len(idx) {
			b.WriteString(p.text)
			continue
		}
		if start := idx[2*p.group]; start >= 0 {
			b.WriteString(name[start:idx[2*p.group+1]])
		}
	}
	return b.String()
}

// regexReplace rewrites names matching re to the template to.
type regexReplace struct {
	re *regexp.Regexp
	to template
}

func newRegexReplace(from, to string) (regexReplace, error) {
	re, err := compileRegex(from)
	if err != nil {
		return regexReplace{}, err
	}
	return regexReplace{re: re, to: parseTemplate(to)}, nil
}

// replace returns the rewritten name, fully qualified, and whether re
// matched.
func (r *regexReplace) replace(name string) (string, bool) {
	idx := r.re.FindStringSubmatchIndex(name)
	if idx == nil {
		return "", false
	}
	return fqdn(r.to.expand(name, idx)), true
}

// fqdn adds the final dot if s lacks it.
func fqdn(s string) string {
	if strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}

// hasSuffixFold reports whether s ends in suffix, ignoring ASCII case.
func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
