package local

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "local")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("want 1 plugin, got %d", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		input  string
		prefix bool
	}{
		{"local", true},
		{"local {\n}", true},
		{"local {\nlocalhost_prefix on\n}", true},
		{"local {\nlocalhost_prefix off\n}", false},
		{"local {\nlocalhost_prefix OFF\n}", false},
	}
	for _, tc := range tests {
		l, err := parse(caddy.NewTestController("dns", tc.input))
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if l.Prefix != tc.prefix {
			t.Errorf("%q: Prefix = %t, want %t", tc.input, l.Prefix, tc.prefix)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{"local example.org", "Wrong argument count"},
		{"local {\nlocalhost_prefix\n}", "Wrong argument count"},
		{"local {\nlocalhost_prefix on off\n}", "Wrong argument count"},
		{"local {\nlocalhost_prefix maybe\n}", `invalid value "maybe"`},
		{"local {\nzones foo\n}", `unknown property "zones"`},
		{"local\nlocal", "only be used once"},
	}
	for _, tc := range tests {
		err := setup(caddy.NewTestController("dns", tc.input))
		if err == nil {
			t.Errorf("%q: want error containing %q, got none", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/local") {
			t.Errorf("%q: error %q lacks %q or the plugin name", tc.input, err, tc.want)
		}
	}
}
