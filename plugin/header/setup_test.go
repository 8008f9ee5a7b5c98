package header

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "header {\nresponse set ra\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("want 1 plugin, got %d", n)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		input           string
		query, response Rules
	}{
		{"header {\nresponse set ra\n}", Rules{}, Rules{set: flagRA}},
		{"header {\nresponse set ra aa\nresponse clear rd\n}", Rules{}, Rules{set: flagRA | flagAA, clear: flagRD}},
		{"header {\nquery set rd\n}", Rules{set: flagRD}, Rules{}},
		{"header {\nquery clear rd\nresponse set aa ra\n}", Rules{clear: flagRD}, Rules{set: flagAA | flagRA}},
		// The last action for a flag wins.
		{"header {\nresponse clear ra rd\nresponse set rd\n}", Rules{}, Rules{set: flagRD, clear: flagRA}},
		{"header {\nresponse set aa\nresponse clear aa\n}", Rules{}, Rules{clear: flagAA}},
		// Case does not matter.
		{"header {\nQuery SET RD\nRESPONSE Clear AA\n}", Rules{set: flagRD}, Rules{clear: flagAA}},
		// Several directives add up, in order.
		{"header {\nquery set rd\n}\nheader {\nquery clear rd\n}", Rules{clear: flagRD}, Rules{}},
	}
	for _, tc := range tests {
		h, err := parse(caddy.NewTestController("dns", tc.input))
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if h.query != tc.query || h.response != tc.response {
			t.Errorf("%q: got query %+v response %+v, want %+v and %+v", tc.input, h.query, h.response, tc.query, tc.response)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input, want string
	}{
		{"header", "no rules given"},
		{"header {\n}", "no rules given"},
		{"header extra {\nresponse set ra\n}", "Wrong argument count"},
		{"header {\nset ra\n}", `invalid selector "set"`},
		{"header {\nclear aa\n}", `invalid selector "clear"`},
		{"header {\nanswer set ra\n}", `invalid selector "answer"`},
		{"header {\nresponse set\n}", "Wrong argument count"},
		{"header {\nquery\n}", "Wrong argument count"},
		{"header {\nresponse flip ra\n}", `invalid action "flip"`},
		{"header {\nquery set ad\n}", `invalid flag "ad"`},
		{"header {\nresponse clear ra tc\n}", `invalid flag "tc"`},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if err == nil {
			t.Errorf("%q: want error containing %q, got none", tc.input, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/header") {
			t.Errorf("%q: error %q lacks %q or the plugin name", tc.input, err, tc.want)
		}
	}
}
