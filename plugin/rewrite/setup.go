package rewrite

import (
	"errors"
	"fmt"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("rewrite", setup) }

func setup(c *caddy.Controller) error {
	rules, err := rewriteParse(c)
	if err != nil {
		return plugin.Error("rewrite", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		return Rewrite{Next: next, Rules: rules}
	})
	return nil
}

// rewriteParse reads every rewrite line of a server block, in order. A
// rule may be spread over a block: its lines are joined into one rule.
func rewriteParse(c *caddy.Controller) ([]Rule, error) {
	var rules []Rule
	for c.Next() {
		file, line := c.File(), c.Line()
		args := c.RemainingArgs()
		for c.NextBlock() {
			args = append(args, c.Val())
		}
		rule, err := newRule(args...)
		if err != nil {
			return nil, fmt.Errorf("%s:%d - Error during parsing: %w", file, line, err)
		}
		rules = append(rules, rule)
	}
	return rules, nil
}

// ruleParsers build the rules of each field from the arguments after the
// field name.
var ruleParsers = map[string]func(mode string, args []string) (Rule, error){
	"name":  newNameRule,
	"type":  newTypeRule,
	"class": newClassRule,
	"edns0": newEdns0Rule,
	"ttl":   newTTLRule,
	"rcode": newRcodeRule,
	"cname": newCNAMERule,
}

// newRule builds a rule from its arguments: [continue|stop] FIELD ARGS...
func newRule(args ...string) (Rule, error) {
	if len(args) == 0 {
		return nil, errors.New("no rule given")
	}
	mode := Stop
	switch m := strings.ToLower(args[0]); m {
	case Stop, Continue:
		mode = m
		args = args[1:]
		if len(args) == 0 {
			return nil, fmt.Errorf("%s must be followed by a rule", m)
		}
	}
	field := strings.ToLower(args[0])
	if field == "answer" {
		return nil, errors.New("answer rewrites must follow a name rule")
	}
	parse, ok := ruleParsers[field]
	if !ok {
		return nil, fmt.Errorf("invalid rule type %q, expected one of name, type, class, edns0, ttl, rcode or cname", args[0])
	}
	return parse(mode, args[1:])
}
