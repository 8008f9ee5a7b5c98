package https3

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input         string
		streams, conn *int
		wantErr       string
	}{
		{"https3", nil, nil, ""},
		{"https3 {\nmax_streams 50\n}", intp(50), nil, ""},
		{"https3 {\nmax_streams 0\nmax_connections 0\n}", intp(0), intp(0), ""},
		{"https3 {\nmax_connections 10\n}", nil, intp(10), ""},
		{"https3 {\nmax_streams -1\n}", nil, nil, "non-negative"},
		{"https3 {\nmax_connections x\n}", nil, nil, "invalid value"},
		{"https3 {\nmax_streams\n}", nil, nil, "Wrong argument count"},
		{"https3 {\nworker_pool_size 1\n}", nil, nil, "unknown property"},
		{"https3 arg", nil, nil, "Wrong argument count"},
		{"https3\nhttps3", nil, nil, "only be used once"},
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
		cfg := dnsserver.GetConfig(c)
		if !sameInt(cfg.MaxHTTPS3Streams, tc.streams) || !sameInt(cfg.MaxHTTPS3Connections, tc.conn) {
			t.Errorf("%q: got %v/%v, want %v/%v", tc.input, deref(cfg.MaxHTTPS3Streams), deref(cfg.MaxHTTPS3Connections), deref(tc.streams), deref(tc.conn))
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
