package minimal

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		wantErr string
	}{
		{"minimal", ""},
		{"minimal\nminimal", ""},
		{"minimal example.org", "Wrong argument count"},
		{"minimal x y", "Wrong argument count"},
		{"minimal {\n}", "Unexpected token '{'"},
		{"minimal {\n foo\n}", "Unexpected token '{'"},
	}
	for _, tc := range tests {
		err := setup(caddy.NewTestController("dns", tc.input))
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.input, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) ||
			!strings.Contains(err.Error(), "Testfile:") || !strings.HasPrefix(err.Error(), "plugin/minimal:") {
			t.Errorf("%q: error %v, want one naming plugin, file, line and %q", tc.input, err, tc.wantErr)
		}
	}
}
