package acl

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", `acl {
		block
	}`)
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("want 1 plugin added, got %d", n)
	}
}

func TestParse(t *testing.T) {
	pfx := netip.MustParsePrefix
	tests := []struct {
		name  string
		input string
		want  []Rule
	}{
		{"no block", `acl`, []Rule{{zones: []string{"example.org."}}}},
		{"empty block", "acl {\n}", []Rule{{zones: []string{"example.org."}}}},
		{"zones", "acl example.net 10.0.0.0/24 {\nallow\n}", []Rule{{
			zones:    []string{"example.net.", "0.0.10.in-addr.arpa."},
			policies: []policy{{action: actionAllow}},
		}}},
		{"actions", "acl {\nallow\nBLOCK\nfilter\ndrop\n}", []Rule{{
			zones: []string{"example.org."},
			policies: []policy{
				{action: actionAllow}, {action: actionBlock}, {action: actionFilter}, {action: actionDrop},
			},
		}}},
		{"types", "acl {\nblock type A aaaa MX\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionBlock, qtypes: []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX}}},
		}}},
		{"type wildcard", "acl {\nblock type A *\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionBlock}},
		}}},
		{"nets", "acl {\nblock net 10.0.0.0/8 192.0.2.1 2001:db8::/32 ::1 10.1.2.3/16\n}", []Rule{{
			zones: []string{"example.org."},
			policies: []policy{{action: actionBlock, nets: []netip.Prefix{
				pfx("10.0.0.0/8"), pfx("192.0.2.1/32"), pfx("2001:db8::/32"), pfx("::1/128"), pfx("10.1.0.0/16"),
			}}},
		}}},
		{"mapped net", "acl {\nblock net ::ffff:10.0.0.0/104\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionBlock, nets: []netip.Prefix{pfx("10.0.0.0/8")}}},
		}}},
		{"net wildcard", "acl {\nblock net * 10.0.0.0/8\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionBlock}},
		}}},
		{"both sections any order", "acl {\nfilter net 10.0.0.0/8 type TXT\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionFilter, qtypes: []uint16{dns.TypeTXT}, nets: []netip.Prefix{pfx("10.0.0.0/8")}}},
		}}},
		{"repeated section adds", "acl {\nfilter type A net 10.0.0.0/8 type TXT\n}", []Rule{{
			zones:    []string{"example.org."},
			policies: []policy{{action: actionFilter, qtypes: []uint16{dns.TypeA, dns.TypeTXT}, nets: []netip.Prefix{pfx("10.0.0.0/8")}}},
		}}},
		{"two directives", "acl {\nallow net 10.0.0.0/8\n}\nacl a.example.org {\nblock\n}", []Rule{
			{zones: []string{"example.org."}, policies: []policy{{action: actionAllow, nets: []netip.Prefix{pfx("10.0.0.0/8")}}}},
			{zones: []string{"a.example.org."}, policies: []policy{{action: actionBlock}}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = []string{"example.org.:53"}
			a, err := parse(c)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !reflect.DeepEqual(a.Rules, tc.want) {
				t.Errorf("rules:\n%+v\nwant:\n%+v", a.Rules, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{"acl {\nallows\n}", `invalid action "allows"`},
		{"acl {\nblock type\n}", `no value given in "type" section`},
		{"acl {\nblock net\n}", `no value given in "net" section`},
		{"acl {\nblock type A net\n}", `no value given in "net" section`},
		{"acl {\nblock type FOO\n}", `invalid query type "FOO"`},
		{"acl {\nblock net 10.99.0.0/33\n}", `illegal CIDR notation "10.99.0.0/33"`},
		{"acl {\nblock net 2001:db8::/129\n}", `illegal CIDR notation "2001:db8::/129"`},
		{"acl {\nblock net 300.1.1.1\n}", `illegal CIDR notation "300.1.1.1"`},
		{"acl {\nblock net example.org\n}", `illegal CIDR notation "example.org"`},
		{"acl {\nblock net fe80::1%eth0\n}", `zones are not supported`},
		{"acl {\nblock 10.0.0.0/8\n}", `unexpected token "10.0.0.0/8"`},
		{"acl {\nblock type A from 10.0.0.0/8\n}", `invalid query type "from"`},
		{"acl example..org {\nblock\n}", `invalid`},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.org.:53"}
		err := setup(c)
		if err == nil {
			t.Errorf("%q: want error containing %q, got none", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/acl") || !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q lacks %q, the plugin name or the file and line", tc.input, err, tc.want)
		}
	}
}
