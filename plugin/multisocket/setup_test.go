package multisocket

import (
	"runtime"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input string
		want  int
		err   string // substring of the expected error; "" for none
	}{
		{"multisocket", runtime.GOMAXPROCS(0), ""},
		{"multisocket 2", 2, ""},
		{"multisocket 1", 1, ""},
		{" multisocket 1024", 1024, ""},

		{"multisocket text", 0, "invalid num sockets"},
		{"multisocket 0", 0, "zero or negative"},
		{"multisocket -1", 0, "zero or negative"},
		{"multisocket 1025", 0, "can not exceed 1024"},
		{"multisocket 2 2", 0, "Wrong argument count"},
		{"multisocket 2 {\n block\n}", 0, "unexpected block property"},
		{"multisocket 2\nmultisocket 3", 0, "only be specified once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "plugin/multisocket") {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got := dnsserver.GetConfig(c).NumSockets; got != tc.want {
			t.Errorf("%q: NumSockets = %d, want %d", tc.input, got, tc.want)
		}
	}
}
