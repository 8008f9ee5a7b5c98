package cancel

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		timeout time.Duration
		err     string // substring of the expected error; "" for none
	}{
		{"cancel", defaultTimeout, ""},
		{"cancel 1s", time.Second, ""},
		{"cancel 250ms", 250 * time.Millisecond, ""},
		{"cancel 2m", 2 * time.Minute, ""},
		{"cancel 5", 0, "invalid duration"},
		{"cancel abc", 0, "invalid duration"},
		{"cancel -1s", 0, "invalid negative duration"},
		{"cancel 0s", 0, "invalid negative duration"},
		{"cancel 1s 2s", 0, "Wrong argument count"},
		{"cancel 1s {\n}", 0, "no block"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		got, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got != tc.timeout {
			t.Errorf("%q: timeout %v, want %v", tc.input, got, tc.timeout)
		}
	}
}

func TestSetupAddsPlugin(t *testing.T) {
	c := caddy.NewTestController("dns", "cancel 1s")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("%d plugins added, want 1", n)
	}
	c = caddy.NewTestController("dns", "cancel foo")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/cancel") || !strings.Contains(err.Error(), "Testfile:1") {
		t.Errorf("error %v should name the plugin, file and line", err)
	}
}
