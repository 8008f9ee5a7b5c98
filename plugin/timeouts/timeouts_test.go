package timeouts

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input             string
		read, write, idle time.Duration
		err               string // substring of the expected error; "" for none
	}{
		{"timeouts {\nread 10s\n}", 10 * time.Second, 0, 0, ""},
		{"timeouts {\nwrite 20s\n}", 0, 20 * time.Second, 0, ""},
		{"timeouts {\nidle 1m\n}", 0, 0, time.Minute, ""},
		{"timeouts {\nread 10s\nwrite 20s\nidle 60s\n}", 10 * time.Second, 20 * time.Second, 60 * time.Second, ""},
		{"timeouts {\nread 30\n}", 30 * time.Second, 0, 0, ""},
		{"timeouts {\nread 1s\nidle 24h\n}", time.Second, 0, 24 * time.Hour, ""},
		{"timeouts {\nread 5s\nread 6s\n}", 6 * time.Second, 0, 0, ""},

		{"timeouts", 0, 0, 0, "no timeouts specified"},
		{"timeouts {\n}", 0, 0, 0, "no timeouts specified"},
		{"timeouts 10s", 0, 0, 0, "Wrong argument count"},
		{"timeouts {\nread\n}", 0, 0, 0, "Wrong argument count"},
		{"timeouts {\nread 1s 2s\n}", 0, 0, 0, "Wrong argument count"},
		{"timeouts {\nsend 1s\n}", 0, 0, 0, "unknown option"},
		{"timeouts {\nread abc\n}", 0, 0, 0, "invalid duration"},
		{"timeouts {\nread -1s\n}", 0, 0, 0, "negative"},
		{"timeouts {\nwrite 500ms\n}", 0, 0, 0, "between 1 second and 24 hours"},
		{"timeouts {\nidle 0\n}", 0, 0, 0, "between 1 second and 24 hours"},
		{"timeouts {\nidle 25h\n}", 0, 0, 0, "between 1 second and 24 hours"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "plugin/timeouts") {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		cfg := dnsserver.GetConfig(c)
		if cfg.ReadTimeout != tc.read || cfg.WriteTimeout != tc.write || cfg.IdleTimeout != tc.idle {
			t.Errorf("%q: got read %v write %v idle %v; want %v %v %v", tc.input,
				cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout, tc.read, tc.write, tc.idle)
		}
	}
}
