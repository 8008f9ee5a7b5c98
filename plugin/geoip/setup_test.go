package geoip

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	city := writeDB(t, "GeoLite2-City", cityRecords())
	asn := writeDB(t, "GeoLite2-ASN", asnRecords())

	tests := []struct {
		input    string
		ecs      bool
		provides int
		err      string // part of the error, "" when none is expected
	}{
		{"geoip " + city, false, schemaCity, ""},
		{"geoip " + asn, false, schemaASN, ""},
		{"geoip " + city + " {\n edns-subnet\n}", true, schemaCity, ""},
		{"geoip " + asn + " {\n}", false, schemaASN, ""},

		{"geoip", false, 0, "Wrong argument count"},
		{"geoip " + city + " " + asn, false, 0, "Wrong argument count"},
		{"geoip " + city + "\ngeoip " + asn, false, 0, "multiple databases"},
		{"geoip " + city + " {\n edns-subnet yes\n}", false, 0, "Wrong argument count"},
		{"geoip " + city + " {\n languages en\n}", false, 0, `unknown property "languages"`},
		{"geoip /nonexistent.mmdb", false, 0, "failed to open database file"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		g, err := parse(c)
		if tc.err != "" {
			if err == nil {
				g.Close()
				t.Errorf("%q: expected an error containing %q", tc.input, tc.err)
			} else if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %q does not contain %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if g.ednsSubnet != tc.ecs || g.provides != tc.provides {
			t.Errorf("%q: got edns-subnet %v, schemas %b; want %v, %b", tc.input, g.ednsSubnet, g.provides, tc.ecs, tc.provides)
		}
		g.Close()
	}
}

// setup adds the plugin to the server block and reports errors with the
// plugin's name and the line.
func TestSetupRegisters(t *testing.T) {
	c := caddy.NewTestController("dns", "geoip "+writeDB(t, "GeoLite2-City", cityRecords()))
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("got %d plugins added, want 1", n)
	}

	c = caddy.NewTestController("dns", "geoip")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/geoip") || !strings.Contains(err.Error(), "Testfile:1") {
		t.Errorf("error %v does not name the plugin and the line", err)
	}
}
