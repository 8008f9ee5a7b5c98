package root

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

func TestSetup(t *testing.T) {
	clog.Discard()
	dir := t.TempDir()
	unreadable := filepath.Join(dir, "locked", "inner")
	if err := os.MkdirAll(unreadable, 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input    string
		wantRoot string
		wantErr  string
	}{
		{"root " + dir, dir, ""},
		{"root " + filepath.Join(dir, "missing"), filepath.Join(dir, "missing"), ""},
		{"root", "", "Wrong argument count"},
		{"root a b", "", "Wrong argument count"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: got %v, want error containing %q", tc.input, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got := dnsserver.GetConfig(c).Root; got != tc.wantRoot {
			t.Errorf("%q: Root = %q, want %q", tc.input, got, tc.wantRoot)
		}
	}
}
