package dns64

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "dns64")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("want 1 plugin, got %d", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		input         string
		prefix        string
		all, allowIP4 bool
	}{
		{"dns64", "64:ff9b::/96", false, false},
		{"dns64 {\n}", "64:ff9b::/96", false, false},
		{"dns64 64:1337::/96", "64:1337::/96", false, false},
		{"dns64 {\nprefix 64:1337::/96\n}", "64:1337::/96", false, false},
		{"dns64 2001:db8::/32", "2001:db8::/32", false, false},
		{"dns64 2001:db8:100::/40", "2001:db8:100::/40", false, false},
		{"dns64 2001:db8:122::/48", "2001:db8:122::/48", false, false},
		{"dns64 2001:db8:122:300::/56", "2001:db8:122:300::/56", false, false},
		{"dns64 2001:db8:122:344::/64", "2001:db8:122:344::/64", false, false},
		{"dns64 2001:db8::1/96", "2001:db8::/96", false, false}, // host bits dropped
		{"dns64 {\ntranslate_all\n}", "64:ff9b::/96", true, false},
		{"dns64 {\nallow_ipv4\n}", "64:ff9b::/96", false, true},
		{"dns64 64:1337::/96 {\nprefix 2001:db8::/96\ntranslate_all\nallow_ipv4\n}", "2001:db8::/96", true, true},
	}
	for _, tc := range tests {
		d, err := parse(caddy.NewTestController("dns", tc.input))
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if d.Prefix != netip.MustParsePrefix(tc.prefix) || d.TranslateAll != tc.all || d.AllowIPv4 != tc.allowIP4 {
			t.Errorf("%q: got prefix %s translate_all %t allow_ipv4 %t, want %s %t %t",
				tc.input, d.Prefix, d.TranslateAll, d.AllowIPv4, tc.prefix, tc.all, tc.allowIP4)
		}
		if d.Upstream == nil {
			t.Errorf("%q: no upstream", tc.input)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{"dns64 64:ff9b::/96 64:ff9c::/96", "Wrong argument count"},
		{"dns64 64:ff9b::", "invalid prefix"},
		{"dns64 nonsense/96", "invalid prefix"},
		{"dns64 10.0.0.0/8", "not an IPv6 prefix"},
		{"dns64 ::ffff:0:0/96", "not an IPv6 prefix"},
		{"dns64 64:ff9b::/95", "invalid length /95"},
		{"dns64 64:ff9b::/128", "invalid length /128"},
		{"dns64 {\nprefix\n}", "Wrong argument count"},
		{"dns64 {\nprefix 64:ff9b::/96 64:ff9c::/96\n}", "Wrong argument count"},
		{"dns64 {\nprefix 64:ff9b::/33\n}", "invalid length /33"},
		{"dns64 {\ntranslate_all yes\n}", "Wrong argument count"},
		{"dns64 {\nallow_ipv4 yes\n}", "Wrong argument count"},
		{"dns64 {\nupstream 8.8.8.8\n}", `unknown property "upstream"`},
		{"dns64\ndns64", "only be used once"},
	}
	for _, tc := range tests {
		err := setup(caddy.NewTestController("dns", tc.input))
		if err == nil {
			t.Errorf("%q: want error containing %q, got none", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/dns64") {
			t.Errorf("%q: error %q lacks %q or the plugin name", tc.input, err, tc.want)
		}
	}
}
