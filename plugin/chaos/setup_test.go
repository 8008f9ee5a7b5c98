package chaos

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		input   string
		version string
		authors []string
		wantErr string
	}{
		{"chaos", defaultVersion, Owners, ""},
		{"chaos {\n}", defaultVersion, Owners, ""},
		{"chaos v1.2", "v1.2", Owners, ""},
		{`chaos LabDNS-4.2.0 "Ada Lovelace" "Grace Hopper" Linus`, "LabDNS-4.2.0", []string{"Ada Lovelace", "Grace Hopper", "Linus"}, ""},
		{"chaos v a b a", "v", []string{"a", "b"}, ""},
		{"chaos " + long + " " + long, long[:255], []string{long[:255]}, ""},
		{"chaos v a {\n foo\n}", "", nil, "unexpected block"},
		{"chaos\nchaos", "", nil, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		ch, err := parse(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %v, want one with file, line and %q", tc.input, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if ch.Version != tc.version {
			t.Errorf("%q: version %q, want %q", tc.input, ch.Version, tc.version)
		}
		if strings.Join(ch.Authors, "|") != strings.Join(tc.authors, "|") {
			t.Errorf("%q: authors %q, want %q", tc.input, ch.Authors, tc.authors)
		}
	}
}

func TestSetupVersionFromCaddy(t *testing.T) {
	name, ver := caddy.AppName, caddy.AppVersion
	defer func() { caddy.AppName, caddy.AppVersion = name, ver }()
	caddy.AppName, caddy.AppVersion = "CoreDNS", "9.9.9"
	ch, err := parse(caddy.NewTestController("dns", "chaos"))
	if err != nil {
		t.Fatal(err)
	}
	if ch.Version != "CoreDNS-9.9.9" {
		t.Errorf("version %q, want CoreDNS-9.9.9", ch.Version)
	}
}

func TestSetupRegisters(t *testing.T) {
	if err := setup(caddy.NewTestController("dns", "chaos v a")); err != nil {
		t.Fatal(err)
	}
	err := setup(caddy.NewTestController("dns", "chaos\nchaos"))
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/chaos:") {
		t.Errorf("error %v does not name the plugin", err)
	}
}

func TestOwnersSortedUnique(t *testing.T) {
	for i := 1; i < len(Owners); i++ {
		if Owners[i-1] >= Owners[i] {
			t.Errorf("Owners not sorted or not unique at %q, %q", Owners[i-1], Owners[i])
		}
	}
}
