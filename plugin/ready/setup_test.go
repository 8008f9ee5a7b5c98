package ready

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input      string
		addr       string
		continuous bool
		err        string // substring of the expected error; "" for none
	}{
		{"ready", ":8181", false, ""},
		{"ready localhost:1234", "localhost:1234", false, ""},
		{"ready [::1]:1234", "[::1]:1234", false, ""},
		{"ready {\n}", ":8181", false, ""},
		{"ready {\nmonitor until-ready\n}", ":8181", false, ""},
		{"ready :1234 {\nmonitor continuously\n}", ":1234", true, ""},

		{"ready 1234", "", false, "invalid address"},
		{"ready bla", "", false, "invalid address"},
		{"ready :1234 :1235", "", false, "Wrong argument count"},
		{"ready {\nmonitor\n}", "", false, "Wrong argument count"},
		{"ready {\nmonitor continuously now\n}", "", false, "Wrong argument count"},
		{"ready {\nmonitor sometimes\n}", "", false, "unknown monitor mode"},
		{"ready {\nlameduck 1s\n}", "", false, "unknown property"},
		{"ready\nready", "", false, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		addr, continuous, err := parse(c)
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
		if addr != tc.addr || continuous != tc.continuous {
			t.Errorf("%q: got %q %v, want %q %v", tc.input, addr, continuous, tc.addr, tc.continuous)
		}
	}
}

func TestSetupError(t *testing.T) {
	c := caddy.NewTestController("dns", "ready {\nmonitor never\n}")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/ready") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Errorf("error %v, want one naming the plugin, file and line", err)
	}
}
