package auto

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestAutoParse(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		input   string
		root    string
		keys    []string
		wantErr string

		origins  []string
		dir      string
		re       string
		template string
		reload   time.Duration
	}{
		{input: "auto", keys: []string{"example.org.:53"}, origins: []string{"example.org."}, dir: ".", re: defaultRegexp, template: "${1}", reload: time.Minute},
		{input: "auto", root: dir, keys: []string{"."}, origins: []string{"."}, dir: dir, re: defaultRegexp, template: "${1}", reload: time.Minute},
		{input: "auto example.org Example.NET {\n directory " + dir + "\n}", keys: []string{"."},
			origins: []string{"example.org.", "example.net."}, dir: dir, re: defaultRegexp, template: "${1}", reload: time.Minute},
		{input: "auto {\n directory sub\n}", root: dir, keys: []string{"."}, origins: []string{"."}, dir: filepath.Join(dir, "sub"),
			re: defaultRegexp, template: "${1}", reload: time.Minute},
		{input: "auto {\n directory " + dir + ` (.*)\.zone {1}` + "\n}", keys: []string{"."}, origins: []string{"."}, dir: dir,
			re: `(.*)\.zone`, template: "${1}", reload: time.Minute},
		{input: "auto {\n directory " + dir + ` db\.(.*)\.(.*) {2}.{1}` + "\n}", keys: []string{"."}, origins: []string{"."}, dir: dir,
			re: `db\.(.*)\.(.*)`, template: "${2}.${1}", reload: time.Minute},
		{input: "auto {\n directory " + missing + "\n}", keys: []string{"."}, origins: []string{"."}, dir: missing, re: defaultRegexp, template: "${1}", reload: time.Minute},
		{input: "auto {\n reload 5s\n}", keys: []string{"."}, origins: []string{"."}, dir: ".", re: defaultRegexp, template: "${1}", reload: 5 * time.Second},
		{input: "auto {\n reload 0\n}", keys: []string{"."}, origins: []string{"."}, dir: ".", re: defaultRegexp, template: "${1}", reload: 0},
		{input: "auto {\n upstream 10.0.0.1\n}", keys: []string{"."}, origins: []string{"."}, dir: ".", re: defaultRegexp, template: "${1}", reload: time.Minute},
		// Errors.
		{input: "auto {\n directory\n}", wantErr: "Wrong argument count"},
		{input: "auto {\n directory " + dir + " onlyregexp\n}", wantErr: "Wrong argument count"},
		{input: "auto {\n directory " + dir + " a b c\n}", wantErr: "Wrong argument count"},
		{input: "auto {\n directory " + dir + " ([ {1}\n}", wantErr: "invalid regexp"},
		{input: "auto {\n directory " + notDir + "\n}", wantErr: "is not a directory"},
		{input: "auto {\n reload\n}", wantErr: "Wrong argument count"},
		{input: "auto {\n reload 1s 2s\n}", wantErr: "Wrong argument count"},
		{input: "auto {\n reload soon\n}", wantErr: "invalid duration for reload"},
		{input: "auto {\n reload -1s\n}", wantErr: "invalid negative duration"},
		{input: "auto {\n frobnicate\n}", wantErr: "unknown property 'frobnicate'"},
		{input: "auto\nauto", wantErr: "once per Server Block"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = tc.keys
			dnsserver.GetConfig(c).Root = tc.root
			a, err := autoParse(c)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				if tc.wantErr != "once per Server Block" && !strings.Contains(err.Error(), "Testfile:") {
					t.Errorf("error %q does not name the Corefile line", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got := strings.Join(a.Zones.Origins(), ","); got != strings.Join(tc.origins, ",") {
				t.Errorf("origins = %s, want %v", got, tc.origins)
			}
			l := a.loader
			if l.directory != tc.dir || l.re.String() != tc.re || l.template != tc.template || l.ReloadInterval != tc.reload {
				t.Errorf("loader = dir %q re %q template %q reload %v", l.directory, l.re, l.template, l.ReloadInterval)
			}
			if l.upstream == nil {
				t.Error("no upstream")
			}
		})
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "auto example.org {\n directory "+t.TempDir()+"\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("%d plugins added, want 1", n)
	}
	if a, ok := dnsserver.GetConfig(c).Plugin[0](nil).(Auto); !ok || a.Name() != "auto" {
		t.Fatalf("handler = %#v", a)
	}

	c = caddy.NewTestController("dns", "auto {\n reload x\n}")
	err := setup(c)
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/auto: ") {
		t.Fatalf("setup error = %v, want one prefixed with plugin/auto", err)
	}
}
