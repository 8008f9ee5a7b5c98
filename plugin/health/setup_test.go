package health

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input    string
		addr     string
		lameduck time.Duration
		err      string // substring of the expected error; "" for none
	}{
		{"health", ":8080", 0, ""},
		{"health :1234", ":1234", 0, ""},
		{"health 127.0.0.1:1234", "127.0.0.1:1234", 0, ""},
		{"health [::1]:1234", "[::1]:1234", 0, ""},
		{"health localhost:1234 {\n}", "localhost:1234", 0, ""},
		{"health {\nlameduck 4s\n}", ":8080", 4 * time.Second, ""},
		{"health :1234 {\nlameduck 200ms\n}", ":1234", 200 * time.Millisecond, ""},
		{"health {\nlameduck 0s\n}", ":8080", 0, ""},

		{"health bla", "", 0, "invalid address"},
		{"health 1234", "", 0, "invalid address"},
		{"health :1234 :1235", "", 0, "Wrong argument count"},
		{"health {\nlameduck\n}", "", 0, "Wrong argument count"},
		{"health {\nlameduck 1s 2s\n}", "", 0, "Wrong argument count"},
		{"health {\nlameduck soon\n}", "", 0, "invalid lameduck duration"},
		{"health {\nlameduck -1s\n}", "", 0, "invalid lameduck duration"},
		{"health {\nverbose\n}", "", 0, "unknown property"},
		{"health\nhealth", "", 0, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		addr, lameduck, err := parse(c)
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
		if addr != tc.addr || lameduck != tc.lameduck {
			t.Errorf("%q: got %q %v, want %q %v", tc.input, addr, lameduck, tc.addr, tc.lameduck)
		}
	}
}

func TestSetupError(t *testing.T) {
	c := caddy.NewTestController("dns", "health {\nlameduck x\n}")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/health") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Errorf("error %v, want one naming the plugin, file and line", err)
	}
}

func TestSetupSharesLameduckGroup(t *testing.T) {
	c := caddy.NewTestController("dns", "health")
	if shutdownGroup(c) != shutdownGroup(c) {
		t.Error("two health plugins of one instance got different lameduck groups")
	}
	if shutdownGroup(c) == shutdownGroup(caddy.NewTestController("dns", "health")) {
		t.Error("two instances share a lameduck group")
	}
}
