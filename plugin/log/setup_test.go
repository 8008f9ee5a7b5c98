package log

import (
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/response"
)

func TestLogParse(t *testing.T) {
	tests := []struct {
		input string
		want  []Rule
	}{
		{`log`, []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: all()}}},
		{`log example.org`, []Rule{{NameScope: "example.org.", Format: DefaultLogFormat, Class: all()}}},
		{`log Example.ORG.`, []Rule{{NameScope: "example.org.", Format: DefaultLogFormat, Class: all()}}},
		// A single argument is always a name.
		{`log {type}`, []Rule{{NameScope: "{type}.", Format: DefaultLogFormat, Class: all()}}},
		{`log example.org {common}`, []Rule{{NameScope: "example.org.", Format: CommonLogFormat, Class: all()}}},
		{`log example.org {combined}`, []Rule{{NameScope: "example.org.", Format: CombinedLogFormat, Class: all()}}},
		{`log . "{type} {name} {/view/name}"`, []Rule{{NameScope: ".", Format: "{type} {name} {/view/name}", Class: all()}}},
		{`log . "{combined} {/forward/upstream}"`, []Rule{{NameScope: ".", Format: CombinedLogFormat + " {/forward/upstream}", Class: all()}}},
		{`log . "at {common}"`, []Rule{{NameScope: ".", Format: "at " + CommonLogFormat, Class: all()}}},
		{`log example.org example.net`, []Rule{
			{NameScope: "example.org.", Format: DefaultLogFormat, Class: all()},
			{NameScope: "example.net.", Format: DefaultLogFormat, Class: all()},
		}},
		{`log example.org example.net "{name}"`, []Rule{
			{NameScope: "example.org.", Format: "{name}", Class: all()},
			{NameScope: "example.net.", Format: "{name}", Class: all()},
		}},
		{`log example.org
		  log example.net {combined}`, []Rule{
			{NameScope: "example.org.", Format: DefaultLogFormat, Class: all()},
			{NameScope: "example.net.", Format: CombinedLogFormat, Class: all()},
		}},
		{`log {
			class denial
		}`, []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: classes(response.Denial)}}},
		{`log {
			class all
		}`, []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: all()}}},
		{`log {
			class denial error
		}`, []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: classes(response.Denial, response.Error)}}},
		{`log {
			class denial
			class error
			class success
		}`, []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: classes(response.Denial, response.Error, response.Success)}}},
		{`log example.org example.net "{name}" {
			class success
		}
		log {
			class error
		}`, []Rule{
			{NameScope: "example.org.", Format: "{name}", Class: classes(response.Success)},
			{NameScope: "example.net.", Format: "{name}", Class: classes(response.Success)},
			{NameScope: ".", Format: DefaultLogFormat, Class: classes(response.Error)},
		}},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		got, err := logParse(c)
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.input, got, tc.want)
		}
	}
}

func TestLogParseErrors(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"log {\n class\n}", "Wrong argument count"},
		{"log {\n class abracadabra\n}", `unknown class "abracadabra"`},
		{"log {\n class all nope\n}", `unknown class "nope"`},
		{"log {\n unknown\n}", `unknown property "unknown"`},
		{"log . {\n file stdout\n}", `unknown property "file"`},
	}
	for _, tc := range tests {
		err := setup(caddy.NewTestController("dns", tc.input))
		if err == nil {
			t.Errorf("%q: expected an error", tc.input)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/log") ||
			!strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q should name plugin/log, the file and %q", tc.input, err, tc.want)
		}
	}
}

func TestSetupAddsPlugin(t *testing.T) {
	c := caddy.NewTestController("dns", "log example.org {combined}\nlog")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("got %d plugins, want 1", len(plugins))
	}
	l, ok := plugins[0](nil).(Logger)
	if !ok {
		t.Fatalf("plugin is %T, want Logger", plugins[0](nil))
	}
	if len(l.Rules) != 2 || l.Rules[0].Format != CombinedLogFormat || l.Rules[1].NameScope != "." {
		t.Errorf("unexpected rules %+v", l.Rules)
	}
}
