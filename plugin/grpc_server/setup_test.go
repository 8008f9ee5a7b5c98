package grpc_server

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
		{"grpc_server", nil, nil, ""},
		{"grpc_server {\nmax_streams 50\nmax_connections 100\n}", intp(50), intp(100), ""},
		{"grpc_server {\nmax_streams 0\nmax_connections 0\n}", intp(0), intp(0), ""},
		{"grpc_server {\nmax_streams -1\n}", nil, nil, "non-negative"},
		{"grpc_server {\nmax_connections x\n}", nil, nil, "invalid value"},
		{"grpc_server {\nmax_connections\n}", nil, nil, "Wrong argument count"},
		{"grpc_server {\nworker_pool_size 1\n}", nil, nil, "unknown property"},
		{"grpc_server arg", nil, nil, "Wrong argument count"},
		{"grpc_server\ngrpc_server", nil, nil, "only be used once"},
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
		if !sameInt(cfg.MaxGRPCStreams, tc.streams) || !sameInt(cfg.MaxGRPCConnections, tc.conn) {
			t.Errorf("%q: got %v/%v, want %v/%v", tc.input, deref(cfg.MaxGRPCStreams), deref(cfg.MaxGRPCConnections), deref(tc.streams), deref(tc.conn))
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
