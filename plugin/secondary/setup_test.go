package secondary

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input string
		keys  []string
		err   string
		from  map[string][]string // zone -> primaries
	}{
		{input: "secondary", keys: []string{"example.org"}, from: map[string][]string{"example.org.": nil}},
		{input: "secondary {\n transfer from 10.0.1.1 [2001:db8::1]:5300\n transfer from 10.1.2.1\n}", keys: []string{"example.org"},
			from: map[string][]string{"example.org.": {"10.0.1.1:53", "[2001:db8::1]:5300", "10.1.2.1:53"}}},
		{input: "secondary a.org b.org {\n transfer from 10.0.1.1\n}", keys: []string{"."},
			from: map[string][]string{"a.org.": {"10.0.1.1:53"}, "b.org.": {"10.0.1.1:53"}}},
		{input: "secondary {\n transfer from\n}", keys: []string{"example.org"}, err: "Wrong argument count"},
		{input: "secondary {\n transfer to 10.0.1.1\n}", keys: []string{"example.org"}, err: `unknown property "to"`},
		{input: "secondary {\n transfer from *\n}", keys: []string{"example.org"}, err: "can't use '*'"},
		{input: "secondary {\n transfer from primary.example.net\n}", keys: []string{"example.org"}, err: "must specify an IP address"},
		{input: "secondary {\n upstream 8.8.8.8\n}", keys: []string{"example.org"}, err: "unknown property 'upstream'"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = tc.keys
			zones, err := secondaryParse(c)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "Testfile:") {
					t.Fatalf("error %v, want one containing %q and the line", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(zones.Names) != len(tc.from) {
				t.Fatalf("zones %v, want %v", zones.Names, tc.from)
			}
			for zone, from := range tc.from {
				z, ok := zones.Z[zone]
				if !ok {
					t.Fatalf("zone %q missing", zone)
				}
				if strings.Join(z.TransferFrom, " ") != strings.Join(from, " ") {
					t.Errorf("zone %q: primaries %v, want %v", zone, z.TransferFrom, from)
				}
				if z.SOASerialIfDefined() != -1 {
					t.Errorf("zone %q has data before any transfer", zone)
				}
			}
		})
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "secondary example.org {\n transfer from 10.0.1.1\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	c = caddy.NewTestController("dns", "secondary example.org {\n bogus\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/secondary") {
		t.Errorf("error %v does not name the plugin", err)
	}
}

func TestName(t *testing.T) {
	if n := (Secondary{}).Name(); n != "secondary" {
		t.Errorf("name %q", n)
	}
}
