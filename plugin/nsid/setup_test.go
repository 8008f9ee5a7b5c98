package nsid

import (
	"os"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/edns"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	tests := []struct {
		input   string
		data    string
		wantErr string
	}{
		{"nsid", host, ""},
		{"nsid {\n}", "", "unexpected block"},
		{"nsid lab-node-7", "lab-node-7", ""},
		{"nsid node in rack 3", "node in rack 3", ""},
		{`nsid "Use  The Force"`, "Use  The Force", ""},
		{"nsid a {\n b\n}", "", "unexpected block"},
		{"nsid\nnsid", "", "only be used once"},
	}
	for _, tc := range tests {
		data, err := parse(caddy.NewTestController("dns", tc.input))
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
		if data != tc.data {
			t.Errorf("%q: data %q, want %q", tc.input, data, tc.data)
		}
	}
}

func TestSetupRegisters(t *testing.T) {
	if err := setup(caddy.NewTestController("dns", "nsid x")); err != nil {
		t.Fatal(err)
	}
	err := setup(caddy.NewTestController("dns", "nsid\nnsid"))
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/nsid:") {
		t.Errorf("error %v does not name the plugin", err)
	}
	if !edns.SupportedOption(dns.EDNS0NSID) {
		t.Error("NSID is not a supported EDNS option")
	}
}
