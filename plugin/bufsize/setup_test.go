package bufsize

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		size    int
		wantErr string
	}{
		{"bufsize", 1232, ""},
		{"bufsize {\n}", 1232, ""},
		{"bufsize 512", 512, ""},
		{"bufsize 1100", 1100, ""},
		{"bufsize 4096", 4096, ""},
		{"bufsize 511", 0, "out of range"},
		{"bufsize 4097", 0, "out of range"},
		{"bufsize -1", 0, "out of range"},
		{"bufsize 0", 0, "out of range"},
		{"bufsize large", 0, "not a number"},
		{"bufsize 1232 1100", 0, "Wrong argument count"},
		{"bufsize 1232 {\n size 1\n}", 0, "unexpected block"},
		{"bufsize\nbufsize 512", 0, "only be used once"},
	}
	for _, tc := range tests {
		size, err := parse(caddy.NewTestController("dns", tc.input))
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
		if size != tc.size {
			t.Errorf("%q: size %d, want %d", tc.input, size, tc.size)
		}
	}
}

func TestSetupRegisters(t *testing.T) {
	if err := setup(caddy.NewTestController("dns", "bufsize 1100")); err != nil {
		t.Fatal(err)
	}
	err := setup(caddy.NewTestController("dns", "bufsize 100"))
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/bufsize:") {
		t.Errorf("error %v does not name the plugin", err)
	}
}
