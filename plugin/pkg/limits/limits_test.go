package limits

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input   string
		streams int
		conns   int
		err     string
	}{
		{input: "x", streams: -1, conns: -1},
		{input: "x {\nstreams 3\nconns 0\n}", streams: 3, conns: 0},
		{input: "x arg", err: "Wrong argument count"},
		{input: "x\nx", err: "only be used once"},
		{input: "x {\nstreams 0\n}", err: "positive integer"},
		{input: "x {\nconns -1\n}", err: "non-negative integer"},
		{input: "x {\nconns many\n}", err: "invalid value"},
		{input: "x {\nconns\n}", err: "Wrong argument count"},
		{input: "x {\nother 1\n}", err: "unknown property 'other'"},
	}
	for _, tc := range tests {
		streams, conns := -1, -1
		err := Parse(caddy.NewTestController("dns", tc.input),
			Option{Name: "streams", Min: 1, Set: func(n int) { streams = n }},
			Option{Name: "conns", Min: 0, Set: func(n int) { conns = n }},
		)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil || streams != tc.streams || conns != tc.conns {
			t.Errorf("%q: streams %d conns %d err %v, want %d %d", tc.input, streams, conns, err, tc.streams, tc.conns)
		}
	}
}
