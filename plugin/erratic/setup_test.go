package erratic

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input              string
		drop, trunc, delay uint64
		duration           time.Duration
		large              bool
		err                string // substring of the expected error; "" for none
	}{
		{"erratic", 2, 0, 0, 0, false, ""},
		{"erratic {\n}", 2, 0, 0, 0, false, ""},
		{"erratic {\ndrop\n}", 2, 0, 0, 0, false, ""},
		{"erratic {\ndrop 3\n}", 3, 0, 0, 0, false, ""},
		{"erratic {\ndrop 0\n}", 0, 0, 0, 0, false, ""},
		{"erratic {\ntruncate\n}", 0, 2, 0, 0, false, ""},
		{"erratic {\ntruncate 5\n}", 0, 5, 0, 0, false, ""},
		{"erratic {\ndelay\n}", 0, 0, 2, 100 * time.Millisecond, false, ""},
		{"erratic {\ndelay 3\n}", 0, 0, 3, 100 * time.Millisecond, false, ""},
		{"erratic {\ndelay 3 50ms\n}", 0, 0, 3, 50 * time.Millisecond, false, ""},
		{"erratic {\ndrop 3\ntruncate 2\n}", 3, 2, 0, 0, false, ""},
		{"erratic {\ndrop\ntruncate 2\ndelay 4 1s\n}", 2, 2, 4, time.Second, false, ""},
		{"erratic {\nlarge\n}", 0, 0, 0, 0, true, ""},

		{"erratic 3", 0, 0, 0, 0, false, "Wrong argument count"},
		{"erratic {\ndrop 1 2\n}", 0, 0, 0, 0, false, "Wrong argument count"},
		{"erratic {\ndrop -1\n}", 0, 0, 0, 0, false, "illegal amount"},
		{"erratic {\ndrop many\n}", 0, 0, 0, 0, false, "illegal amount"},
		{"erratic {\ntruncate -2\n}", 0, 0, 0, 0, false, "illegal amount"},
		{"erratic {\ntruncate 1 2\n}", 0, 0, 0, 0, false, "Wrong argument count"},
		{"erratic {\ndelay 1 2s 3\n}", 0, 0, 0, 0, false, "Wrong argument count"},
		{"erratic {\ndelay x\n}", 0, 0, 0, 0, false, "illegal amount"},
		{"erratic {\ndelay 2 soon\n}", 0, 0, 0, 0, false, "invalid delay duration"},
		{"erratic {\ndelay 2 -1s\n}", 0, 0, 0, 0, false, "invalid delay duration"},
		{"erratic {\nlarge 1\n}", 0, 0, 0, 0, false, "Wrong argument count"},
		{"erratic {\nexplode 1\n}", 0, 0, 0, 0, false, "unknown property"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		e, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if e.drop != tc.drop || e.truncate != tc.trunc || e.delay != tc.delay || e.duration != tc.duration || e.large != tc.large {
			t.Errorf("%q: got drop %d truncate %d delay %d/%v large %t; want %d %d %d/%v %t", tc.input,
				e.drop, e.truncate, e.delay, e.duration, e.large, tc.drop, tc.trunc, tc.delay, tc.duration, tc.large)
		}
	}
}

func TestSetupAddsPlugin(t *testing.T) {
	c := caddy.NewTestController("dns", "erratic")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("%d plugins added, want 1", n)
	}
	c = caddy.NewTestController("dns", "erratic {\nfoo\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/erratic") {
		t.Errorf("error %v should name the plugin", err)
	}
}
