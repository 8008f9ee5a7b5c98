package rewrite

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", `rewrite name example.org example.net`)
	if err := setup(c); err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("expected one plugin, got %d", len(plugins))
	}
	rw, ok := plugins[0](nil).(Rewrite)
	if !ok || len(rw.Rules) != 1 {
		t.Fatalf("expected a Rewrite with one rule, got %#v", plugins[0](nil))
	}
}

func TestSetupRules(t *testing.T) {
	tests := []struct {
		input string
		mode  string // of the first rule
		rules int
	}{
		// name: every match type, the default one, answer options.
		{`rewrite name example.org example.net`, Stop, 1},
		{`rewrite name exact example.org example.net`, Stop, 1},
		{`rewrite name EXACT Example.ORG example.net`, Stop, 1},
		{`rewrite name prefix a. b.`, Stop, 1},
		{`rewrite name suffix .a.example. .b.example.`, Stop, 1},
		{`rewrite name substring a b`, Stop, 1},
		{`rewrite name regex (.*)\.a\.example {1}.b.example`, Stop, 1},
		{`rewrite name suffix .a. .b. answer auto`, Stop, 1},
		{`rewrite name prefix a. b. answer auto`, Stop, 1},
		{`rewrite name substring a b answer auto`, Stop, 1},
		{`rewrite name regex (.*)\.a\. {1}.b. answer auto`, Stop, 1},
		{`rewrite name exact a. b. answer auto`, Stop, 1},
		{`rewrite name regex (.*)\.a\. {1}.b. answer name (.*)\.b\. {1}.a.`, Stop, 1},
		{`rewrite name regex (.*)\.a\. {1}.b. answer name (.*)\.b\. {1}.a. answer value (.*)\.b\. {1}.a.`, Stop, 1},
		{`rewrite name regex (.*)\.a\. {1}.b. answer name (.*)\.b\. {1}.a. value (.*)\.b\. {1}.a.`, Stop, 1},
		{`rewrite name suffix .arpa. .arpa. answer name auto answer value (.*)\.b\. {1}.a.`, Stop, 1},
		{`rewrite name exact a. b. answer value (.*)\.b\. {1}.a.`, Stop, 1},
		{`rewrite name suffix .a. .b. answer auto auto`, Stop, 1},
		{`rewrite stop name a b`, Stop, 1},
		{`rewrite STOP name a b`, Stop, 1},
		{`rewrite continue name a b`, Continue, 1},
		{`rewrite Continue name a b`, Continue, 1},
		// block forms: the lines of a block make up one rule.
		{"rewrite stop {\n name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul\n answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org\n}", Stop, 1},
		{"rewrite continue {\n ttl regex (.*)\\.example\\.org 15\n}", Continue, 1},
		{"rewrite {\n name a b\n}", Stop, 1},
		{"rewrite name regex (.*)\\.a\\. {1}.b. {\n answer auto\n}", Stop, 1},
		// type and class.
		{`rewrite type ANY HINFO`, Stop, 1},
		{`rewrite type spf txt`, Stop, 1},
		{`rewrite type TYPE65280 A`, Stop, 1},
		{`rewrite class CH IN`, Stop, 1},
		{`rewrite class ch in`, Stop, 1},
		{`rewrite class CLASS254 IN`, Stop, 1},
		// edns0.
		{`rewrite edns0 local set 0xffee 0x61626364`, Stop, 1},
		{`rewrite edns0 local set 0xffee abcd`, Stop, 1},
		{`rewrite edns0 local set 65518 abcd`, Stop, 1},
		{`rewrite edns0 local append 0xffee abcd`, Stop, 1},
		{`rewrite edns0 local replace 0xffee abcd`, Stop, 1},
		{`rewrite edns0 local set 0xffee abcd revert`, Stop, 1},
		{`rewrite edns0 local unset 0xffee`, Stop, 1},
		{`rewrite edns0 local set 0xffee {qname}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {qtype}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {client_ip}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {client_port}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {protocol}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {server_ip}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {server_port}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {some-plugin/some-label}`, Stop, 1},
		{`rewrite edns0 local set 0xffee {client_ip} revert`, Stop, 1},
		{`rewrite edns0 nsid set`, Stop, 1},
		{`rewrite edns0 nsid append`, Stop, 1},
		{`rewrite edns0 nsid replace revert`, Stop, 1},
		{`rewrite edns0 nsid unset`, Stop, 1},
		{`rewrite edns0 subnet set 24 56`, Stop, 1},
		{`rewrite edns0 subnet append 32 128`, Stop, 1},
		{`rewrite edns0 subnet replace 0 0 revert`, Stop, 1},
		{`rewrite edns0 subnet unset`, Stop, 1},
		{`rewrite edns0 SUBNET SET 24 56`, Stop, 1},
		// ttl: every range form.
		{`rewrite ttl example.org. 30`, Stop, 1},
		{`rewrite ttl exact example.org. 30-300`, Stop, 1},
		{`rewrite ttl prefix www. -30`, Stop, 1},
		{`rewrite ttl suffix .example.org. 30-`, Stop, 1},
		{`rewrite ttl substring example 0`, Stop, 1},
		{`rewrite ttl regex (.*)\.example\.org 4294967295`, Stop, 1},
		{`rewrite ttl example.org. 10-10`, Stop, 1},
		// rcode: names and numbers.
		{`rewrite rcode example.org. SERVFAIL NOERROR`, Stop, 1},
		{`rewrite rcode exact example.org. 2 0`, Stop, 1},
		{`rewrite rcode regex (.*)\.example\.org nxdomain refused`, Stop, 1},
		{`rewrite rcode suffix .example.org. 3 BADCOOKIE`, Stop, 1},
		// cname.
		{`rewrite cname a.example. b.example.`, Stop, 1},
		{`rewrite cname exact a.example. b.example.`, Stop, 1},
		{`rewrite cname prefix a. b.`, Stop, 1},
		{`rewrite cname suffix .cdn.example. .other.example.`, Stop, 1},
		{`rewrite cname substring cdn other`, Stop, 1},
		{`rewrite cname regex (.*).cdn.example.net. {1}.other.cdn.com.`, Stop, 1},
		// several rules, in order.
		{"rewrite continue name a b\nrewrite type A AAAA\nrewrite ttl b. 5", Continue, 3},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		rules, err := rewriteParse(c)
		if err != nil {
			t.Errorf("%q: unexpected error: %v", tc.input, err)
			continue
		}
		if len(rules) != tc.rules {
			t.Errorf("%q: expected %d rules, got %d", tc.input, tc.rules, len(rules))
			continue
		}
		if rules[0].Mode() != tc.mode {
			t.Errorf("%q: expected mode %s, got %s", tc.input, tc.mode, rules[0].Mode())
		}
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		input string
		err   string // part of the error
		line  int    // the line the error names
	}{
		{`rewrite`, "no rule given", 1},
		{`rewrite stop`, "stop must be followed by a rule", 1},
		{`rewrite continue`, "continue must be followed by a rule", 1},
		{`rewrite foo a b`, `invalid rule type "foo"`, 1},
		{`rewrite answer name a b`, "answer rewrites must follow a name rule", 1},
		{"rewrite name a b\nrewrite bogus", `invalid rule type "bogus"`, 2},
		{"\n\nrewrite stop {\n name regex (.* b\n}", "invalid regex", 3},
		// name
		{`rewrite name a`, "name rules need a FROM and a TO", 1},
		{`rewrite name`, "name rules need a FROM and a TO", 1},
		{`rewrite name bogus a b`, `unknown name match type "bogus"`, 1},
		{`rewrite name a b answer auto`, `unknown name match type "a"`, 1},
		{`rewrite name regex (.* b`, "invalid regex", 1},
		{`rewrite name suffix a b c`, `unexpected "c" after name rule`, 1},
		{`rewrite name suffix a b answer`, "answer needs auto", 1},
		{`rewrite name suffix a b answer foo`, `unknown answer option "foo"`, 1},
		{`rewrite name regex a b answer name x`, "answer name needs a FROM and a TO", 1},
		{`rewrite name regex a b answer value x`, "answer value needs a FROM and a TO", 1},
		{`rewrite name regex a b answer name (x y`, "invalid regex", 1},
		{`rewrite name regex a b answer value (x y`, "invalid regex", 1},
		// type and class
		{`rewrite type A`, "type rules need exactly two arguments", 1},
		{`rewrite type A B C`, "type rules need exactly two arguments", 1},
		{`rewrite type FOO A`, `invalid type "FOO"`, 1},
		{`rewrite type A TYPE99999`, `invalid type "TYPE99999"`, 1},
		{`rewrite class IN`, "class rules need exactly two arguments", 1},
		{`rewrite class IN XX`, `invalid class "XX"`, 1},
		// edns0
		{`rewrite edns0`, "edns0 rules need an option type", 1},
		{`rewrite edns0 local`, "edns0 rules need an option type", 1},
		{`rewrite edns0 local bogus 0xffee a`, `invalid edns0 action "bogus"`, 1},
		{`rewrite edns0 bogus set`, `invalid edns0 option type "bogus"`, 1},
		{`rewrite edns0 local set 0xffee`, "edns0 local needs exactly two arguments", 1},
		{`rewrite edns0 local set 0xffee a b`, "edns0 local needs exactly two arguments", 1},
		{`rewrite edns0 local set 0xfffff a`, `invalid edns0 local option code "0xfffff"`, 1},
		{`rewrite edns0 local set code a`, `invalid edns0 local option code "code"`, 1},
		{`rewrite edns0 local set 0xffee 0xzz`, `invalid hex data "0xzz"`, 1},
		{`rewrite edns0 local set 0xffee 0x123`, `invalid hex data "0x123"`, 1},
		{`rewrite edns0 local set 0xffee {bogus}`, `unsupported edns0 local variable "{bogus}"`, 1},
		{`rewrite edns0 local set 0xffee {/label}`, `unsupported edns0 local variable`, 1},
		{`rewrite edns0 local unset`, "edns0 local unset needs exactly one argument", 1},
		{`rewrite edns0 local unset 0xffee data`, "edns0 local unset needs exactly one argument", 1},
		{`rewrite edns0 nsid set extra`, "edns0 nsid takes no arguments", 1},
		{`rewrite edns0 subnet set 24`, "edns0 subnet needs exactly two arguments", 1},
		{`rewrite edns0 subnet set 33 56`, `invalid IPv4 prefix length "33"`, 1},
		{`rewrite edns0 subnet set 24 129`, `invalid IPv6 prefix length "129"`, 1},
		{`rewrite edns0 subnet set x 56`, `invalid IPv4 prefix length "x"`, 1},
		{`rewrite edns0 subnet set 24 -1`, `invalid IPv6 prefix length "-1"`, 1},
		{`rewrite edns0 subnet unset 24 56`, "edns0 subnet unset takes no arguments", 1},
		// ttl
		{`rewrite ttl example.org.`, "ttl rules need a NAME and a TTL", 1},
		{`rewrite ttl exact example.org. 1 2`, "ttl rules need a NAME and a TTL", 1},
		{`rewrite ttl bogus example.org. 1`, `unknown ttl match type "bogus"`, 1},
		{`rewrite ttl example.org. abc`, `invalid TTL "abc"`, 1},
		{`rewrite ttl example.org. -`, `invalid TTL range "-"`, 1},
		{`rewrite ttl example.org. 300-30`, "minimum above maximum", 1},
		{`rewrite ttl example.org. 4294967296`, "out of range", 1},
		{`rewrite ttl example.org. 1-x`, `invalid TTL "x"`, 1},
		{`rewrite ttl example.org. x-1`, `invalid TTL "x"`, 1},
		{`rewrite ttl example.org. 1-2-3`, `invalid TTL "2-3"`, 1},
		{`rewrite ttl regex (.* 10`, "invalid regex", 1},
		// rcode
		{`rewrite rcode example.org. 2`, "rcode rules need a NAME, a FROM and a TO", 1},
		{`rewrite rcode exact example.org. 2 0 1`, "rcode rules need a NAME, a FROM and a TO", 1},
		{`rewrite rcode bogus example.org. 2 0`, `unknown rcode match type "bogus"`, 1},
		{`rewrite rcode example.org. FOO 0`, `invalid rcode "FOO"`, 1},
		{`rewrite rcode example.org. 2 4096`, `invalid rcode "4096"`, 1},
		{`rewrite rcode regex (.* 2 0`, "invalid regex", 1},
		// cname
		{`rewrite cname a.`, "cname rules need a FROM and a TO", 1},
		{`rewrite cname exact a. b. c.`, "cname rules need a FROM and a TO", 1},
		{`rewrite cname bogus a. b.`, `unknown cname match type "bogus"`, 1},
		{`rewrite cname regex (.* b.`, "invalid regex", 1},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if err == nil {
			t.Errorf("%q: expected an error", tc.input)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.err) {
			t.Errorf("%q: expected error containing %q, got %q", tc.input, tc.err, msg)
		}
		if want := "plugin/rewrite: Testfile:" + itoa(tc.line) + " - Error during parsing"; !strings.HasPrefix(msg, want) {
			t.Errorf("%q: expected error starting with %q, got %q", tc.input, want, msg)
		}
	}
}

func itoa(n int) string { return string(rune('0' + n)) }
