package pprof

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input    string
		wantAddr string
		wantRate int
		err      string // substring of the error; "" for none
	}{
		{input: "pprof", wantAddr: defaultAddr},
		{input: "pprof 10.9.8.7:6060", wantAddr: "10.9.8.7:6060"},
		{input: "pprof :6060 {\nblock\n}", wantAddr: ":6060", wantRate: 1},
		{input: "pprof {\nblock 20\n}", wantAddr: defaultAddr, wantRate: 20},
		{input: "pprof {\n}", wantAddr: defaultAddr},
		// Errors.
		{input: "pprof 10.9.8.7", err: `invalid address "10.9.8.7"`},
		{input: "pprof a:1 b:2", err: "Wrong argument count"},
		{input: "pprof {\nblock 0\n}", err: `invalid block profile rate "0"`},
		{input: "pprof {\nblock -1\n}", err: `invalid block profile rate "-1"`},
		{input: "pprof {\nblock x\n}", err: `invalid block profile rate "x"`},
		{input: "pprof {\nblock 1 2\n}", err: "Wrong argument count"},
		{input: "pprof {\nfoo\n}", err: `unknown property "foo"`},
		{input: "pprof\npprof :6060", err: "only be used once"},
	}
	for i, tc := range tests {
		h, err := parse(caddy.NewTestController("dns", tc.input))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d (%q): error %v, want one containing %q", i, tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d (%q): unexpected error %v", i, tc.input, err)
			continue
		}
		if h.addr != tc.wantAddr || h.blockRate != tc.wantRate {
			t.Errorf("test %d (%q): got %s rate %d, want %s rate %d", i, tc.input, h.addr, h.blockRate, tc.wantAddr, tc.wantRate)
		}
	}
}

func TestSetupError(t *testing.T) {
	err := setup(caddy.NewTestController("dns", "pprof {\nblock 0\n}"))
	if err == nil || !strings.Contains(err.Error(), "plugin/pprof") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Fatalf("setup error %v, want one naming the plugin, file and line", err)
	}
}
