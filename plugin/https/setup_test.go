package https

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		want    *int
		wantErr string
	}{
		{"https", nil, ""},
		{"https {\n}", nil, ""},
		{"https {\nmax_connections 100\n}", intp(100), ""},
		{"https {\nmax_connections 0\n}", intp(0), ""},
		{"https {\nmax_connections -1\n}", nil, "non-negative"},
		{"https {\nmax_connections many\n}", nil, "invalid value"},
		{"https {\nmax_connections\n}", nil, "Wrong argument count"},
		{"https {\nmax_connections 1 2\n}", nil, "Wrong argument count"},
		{"https {\nmax_streams 1\n}", nil, "unknown property"},
		{"https arg", nil, "Wrong argument count"},
		{"https\nhttps", nil, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.input, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		got := dnsserver.GetConfig(c).MaxHTTPSConnections
		if !sameInt(got, tc.want) {
			t.Errorf("%q: max_connections %v, want %v", tc.input, deref(got), deref(tc.want))
		}
	}
}

func intp(n int) *int { return &n }

func sameInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
