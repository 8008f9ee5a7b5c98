package errors

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

// level names the log function of p, for comparisons.
func level(p *pattern) string {
	for name, f := range map[string]func(...any){
		"error": log.Error, "warning": log.Warning, "info": log.Info, "debug": log.Debug,
	} {
		if reflect.ValueOf(f).Pointer() == reflect.ValueOf(p.logf).Pointer() {
			return name
		}
	}
	return "?"
}

func TestErrorsParse(t *testing.T) {
	type want struct {
		period    time.Duration
		re        string
		level     string
		showFirst bool
	}
	tests := []struct {
		input      string
		stacktrace bool
		patterns   []want
	}{
		{`errors`, false, nil},
		{`errors stdout`, false, nil},
		{"errors {\n stacktrace\n}", true, nil},
		{"errors stdout {\n stacktrace\n}", true, nil},
		{"errors {\n consolidate 1m .*\n}", false, []want{{time.Minute, ".*", "error", false}}},
		{"errors {\n consolidate 1m .* warning\n}", false, []want{{time.Minute, ".*", "warning", false}}},
		{"errors {\n consolidate 1m .* info\n}", false, []want{{time.Minute, ".*", "info", false}}},
		{"errors {\n consolidate 1m .* debug\n}", false, []want{{time.Minute, ".*", "debug", false}}},
		{"errors {\n consolidate 1m .* error\n}", false, []want{{time.Minute, ".*", "error", false}}},
		{"errors {\n consolidate 1m .* show_first\n}", false, []want{{time.Minute, ".*", "error", true}}},
		{"errors {\n consolidate 1m .* warning show_first\n}", false, []want{{time.Minute, ".*", "warning", true}}},
		{"errors {\n consolidate 1m .* show_first info\n}", false, []want{{time.Minute, ".*", "info", true}}},
		{`errors {
			stacktrace
			consolidate 5m ".* i/o timeout$" warning
			consolidate 30s "^Failed to .+" error show_first
		}`, true, []want{
			{5 * time.Minute, ".* i/o timeout$", "warning", false},
			{30 * time.Second, "^Failed to .+", "error", true},
		}},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		h, err := errorsParse(c)
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got := dnsserver.GetConfig(c).Stacktrace; got != tc.stacktrace {
			t.Errorf("%q: stacktrace %v, want %v", tc.input, got, tc.stacktrace)
		}
		var got []want
		for _, p := range h.patterns {
			got = append(got, want{p.period, p.re.String(), level(p), p.showFirst})
		}
		if !reflect.DeepEqual(got, tc.patterns) {
			t.Errorf("%q: patterns %+v, want %+v", tc.input, got, tc.patterns)
		}
	}
}

func TestErrorsParseErrors(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"errors stderr", "invalid log file: stderr"},
		{"errors stdout extra", "Wrong argument count"},
		{"errors\nerrors", "only be used once per Server Block"},
		{"errors {\n stacktrace now\n}", "Wrong argument count"},
		{"errors {\n nope\n}", `unknown property "nope"`},
		{"errors {\n consolidate\n}", "Wrong argument count"},
		{"errors {\n consolidate 1m\n}", "Wrong argument count"},
		{"errors {\n consolidate 1m .* error show_first extra\n}", "Wrong argument count"},
		{"errors {\n consolidate forever .*\n}", `invalid duration "forever"`},
		{"errors {\n consolidate 0s .*\n}", "duration must be positive"},
		{"errors {\n consolidate -1m .*\n}", "duration must be positive"},
		{"errors {\n consolidate 1m (\n}", `invalid regexp "("`},
		{"errors {\n consolidate 1m " + strings.Repeat("a", maxRegexpLen+1) + "\n}", "regexp longer than 10000 characters"},
		{"errors {\n consolidate 1m .* critical\n}", `unknown log level or option "critical"`},
		{"errors {\n consolidate 1m .* error warning\n}", `more than one log level: "warning"`},
		{"errors {\n consolidate 1m .* show_first show_first\n}", "show_first given twice"},
	}
	for _, tc := range tests {
		err := setup(caddy.NewTestController("dns", tc.input))
		if err == nil {
			t.Errorf("%q: expected an error", tc.input)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/errors") {
			t.Errorf("%q: error %q should name plugin/errors and say %q", tc.input, err, tc.want)
		}
	}
}

func TestSetupAddsPlugin(t *testing.T) {
	c := caddy.NewTestController("dns", "errors {\n consolidate 1h .*\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("got %d plugins, want 1", len(plugins))
	}
	h, ok := plugins[0](nil).(*errorHandler)
	if !ok || len(h.patterns) != 1 {
		t.Fatalf("unexpected handler %#v", plugins[0](nil))
	}
}
