package quic

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input                  string
		streams, workers, conn *int
		wantErr                string
	}{
		{"quic", nil, nil, nil, ""},
		{"quic {\nmax_streams 16\nworker_pool_size 65536\n}", intp(16), intp(65536), nil, ""},
		{"quic {\nmax_connections 0\n}", nil, nil, intp(0), ""},
		{"quic {\nmax_connections 10\n}", nil, nil, intp(10), ""},
		{"quic {\nmax_streams 0\n}", nil, nil, nil, "positive integer"},
		{"quic {\nworker_pool_size -1\n}", nil, nil, nil, "positive integer"},
		{"quic {\nmax_connections -1\n}", nil, nil, nil, "non-negative"},
		{"quic {\nmax_streams many\n}", nil, nil, nil, "invalid value"},
		{"quic {\nmax_streams\n}", nil, nil, nil, "Wrong argument count"},
		{"quic {\nfoo 1\n}", nil, nil, nil, "unknown property"},
		{"quic arg", nil, nil, nil, "Wrong argument count"},
		{"quic\nquic", nil, nil, nil, "only be used once"},
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
		if !sameInt(cfg.MaxQUICStreams, tc.streams) || !sameInt(cfg.MaxQUICWorkerPoolSize, tc.workers) || !sameInt(cfg.MaxQUICConnections, tc.conn) {
			t.Errorf("%q: got %v/%v/%v", tc.input, deref(cfg.MaxQUICStreams), deref(cfg.MaxQUICWorkerPoolSize), deref(cfg.MaxQUICConnections))
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
