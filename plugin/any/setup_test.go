package any

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
		{"any", ""},
		{"any {\n}", "Unexpected token '{'"},
		{"any\nany", ""},
		{"any example.org", "Wrong argument count"},
		{"any {\n foo\n}", "Unexpected token '{'"},
		{"any\nany x", "Wrong argument count"},
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
			!strings.Contains(err.Error(), "Testfile:") || !strings.HasPrefix(err.Error(), "plugin/any:") {
			t.Errorf("%q: error %v, want one naming plugin, file, line and %q", tc.input, err, tc.wantErr)
		}
	}
}
