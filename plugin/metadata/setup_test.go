package metadata

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		keys    []string
		zones   []string
		wantErr string
	}{
		{"metadata", []string{"example.org."}, []string{"example.org."}, ""},
		{"metadata", []string{"example.org.", "example.net."}, []string{"example.org.", "example.net."}, ""},
		{"metadata Internal.Example.org", []string{"example.org."}, []string{"internal.example.org."}, ""},
		{"metadata a.example.org b.example.org", []string{"."}, []string{"a.example.org.", "b.example.org."}, ""},
		{"metadata 10.0.0.0/8", []string{"."}, []string{"10.in-addr.arpa."}, ""},
		{"metadata {\n}", []string{"example.org."}, []string{"example.org."}, ""},
		{"metadata {\n zones a\n}", []string{"."}, nil, "unexpected block"},
		{"metadata\nmetadata", []string{"."}, nil, "only be used once"},
		{"metadata example..org", []string{"."}, nil, "invalid"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = tc.keys
		m, err := parse(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %q does not name the file and line", tc.input, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if strings.Join(m.Zones, ",") != strings.Join(tc.zones, ",") {
			t.Errorf("%q: zones %v, want %v", tc.input, m.Zones, tc.zones)
		}
	}
}

func TestSetupRegisters(t *testing.T) {
	c := caddy.NewTestController("dns", "metadata")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	if err := setup(caddy.NewTestController("dns", "metadata {\n zones a\n}")); err == nil || !strings.HasPrefix(err.Error(), "plugin/metadata:") {
		t.Errorf("error %v does not name the plugin", err)
	}
}
