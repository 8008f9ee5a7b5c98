package debug

import (
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input     string
		shouldErr bool
		debug     bool
	}{
		{"debug", false, true},
		{"debug\ndebug", false, true},
		{"debug off", true, false},
		{"debug {\n}", true, false},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.shouldErr != (err != nil) {
			t.Errorf("test %d (%q): error %v, want error %t", i, tc.input, err, tc.shouldErr)
			continue
		}
		if got := dnsserver.GetConfig(c).Debug; !tc.shouldErr && got != tc.debug {
			t.Errorf("test %d (%q): Debug = %t, want %t", i, tc.input, got, tc.debug)
		}
	}
}
