package view

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", `view inner {
		expr incidr(client_ip(), '10.0.0.0/8')
		expr type() == 'A'
	}`)
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	cfg := dnsserver.GetConfig(c)
	if cfg.ViewName != "inner" {
		t.Errorf("ViewName = %q, want inner", cfg.ViewName)
	}
	if len(cfg.FilterFuncs) != 1 {
		t.Errorf("want 1 filter func, got %d", len(cfg.FilterFuncs))
	}
	if len(cfg.Plugin) != 1 {
		t.Errorf("want 1 plugin, got %d", len(cfg.Plugin))
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		input string
		name  string
		progs int
	}{
		{"view a", "a", 0},
		{"view a {\n}", "a", 0},
		{"view a {\nexpr name() == 'example.org.'\n}", "a", 1},
		{"view a-b {\nexpr incidr(client_ip(), '10.0.0.0/8')\nexpr proto() == 'udp'\n}", "a-b", 2},
		{"view c {\nexpr type()   in   ['A',   'AAAA']\n}", "c", 1},
		{"view d {\nexpr metadata('view/name') == ''\n}", "d", 1},
		{"view e {\nexpr name()\n}", "e", 1}, // not boolean: compiles, never matches
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		v, err := parse(c)
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if v.viewName != tc.name || len(v.progs) != tc.progs {
			t.Errorf("%q: got name %q with %d expressions, want %q with %d", tc.input, v.viewName, len(v.progs), tc.name, tc.progs)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{"view", "Wrong argument count"},
		{"view a b", "Wrong argument count"},
		{"view a {\nexpr\n}", "Wrong argument count"},
		{"view a {\nmatch foo\n}", `unknown property "match"`},
		{"view a {\nexpr name( ==\n}", "could not compile expression"},
		{"view a {\nexpr nosuch()\n}", "could not compile expression"},
		{"view a\nview b", "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if err == nil {
			t.Errorf("%q: want error containing %q, got none", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/view") {
			t.Errorf("%q: error %q lacks %q or the plugin name", tc.input, err, tc.want)
		}
	}
}
