package clouddns

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/fall"

	"google.golang.org/api/option"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	sa := filepath.Join(dir, "sa.json")
	if err := os.WriteFile(sa, []byte(`{"type": "service_account", "project_id": "p"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "odd.json")
	if err := os.WriteFile(odd, []byte(`{"type": "magic"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	notJSON := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(notJSON, []byte(`not json`), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input string
		err   string
		keys  []zoneKey
		opts  int
		fall  fall.F
	}{
		{input: "clouddns", keys: nil},
		{input: "clouddns example.org.:proj:zone", keys: []zoneKey{{"example.org.", "proj", "zone"}}},
		{
			input: "clouddns Example.org:proj:private example.org.:proj:public {\n credentials " + sa + "\n fallthrough\n}",
			keys:  []zoneKey{{"example.org.", "proj", "private"}, {"example.org.", "proj", "public"}},
			opts:  1, fall: fall.Root,
		},
		{
			input: "clouddns example.org.:proj:zone {\n fallthrough a.example.org\n}",
			keys:  []zoneKey{{"example.org.", "proj", "zone"}},
			fall:  fall.F{Zones: []string{"a.example.org."}},
		},

		{input: "clouddns example.org", err: "invalid zone"},
		{input: "clouddns example.org:proj", err: "invalid zone"},
		{input: "clouddns :proj:zone", err: "invalid zone"},
		{input: "clouddns example.org::zone", err: "invalid zone"},
		{input: "clouddns example.org:proj:", err: "invalid zone"},
		{input: "clouddns example..org:proj:zone", err: "invalid zone"},
		{input: "clouddns example.org:proj:zone example.org:proj:zone", err: "conflicting zone"},
		{input: "clouddns example.org:proj:zone {\n credentials\n}", err: "Wrong argument count"},
		{input: "clouddns example.org:proj:zone {\n credentials a b\n}", err: "Wrong argument count"},
		{input: "clouddns example.org:proj:zone {\n credentials " + filepath.Join(dir, "missing.json") + "\n}", err: "no such file"},
		{input: "clouddns example.org:proj:zone {\n credentials " + odd + "\n}", err: `unsupported credentials type "magic"`},
		{input: "clouddns example.org:proj:zone {\n credentials " + notJSON + "\n}", err: "credentials"},
		{input: "clouddns example.org:proj:zone {\n upstream 8.8.8.8\n}", err: `unknown property "upstream"`},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		cfg, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d: got error %v, want one with %q", i, err, tc.err)
			}
			if err != nil && !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("test %d: error %q does not name file and line", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d: unexpected error %v", i, err)
			continue
		}
		if len(cfg.keys) != len(tc.keys) {
			t.Errorf("test %d: keys %v, want %v", i, cfg.keys, tc.keys)
			continue
		}
		for j := range cfg.keys {
			if cfg.keys[j] != tc.keys[j] {
				t.Errorf("test %d: key %d is %v, want %v", i, j, cfg.keys[j], tc.keys[j])
			}
		}
		if len(cfg.opts) != tc.opts {
			t.Errorf("test %d: %d client options, want %d", i, len(cfg.opts), tc.opts)
		}
		if !cfg.fall.Equal(tc.fall) {
			t.Errorf("test %d: fallthrough %v, want %v", i, cfg.fall, tc.fall)
		}
	}
}

func TestSetup(t *testing.T) {
	defer func(f func(context.Context, []option.ClientOption) (gcpDNS, error)) { newClient = f }(newClient)
	newClient = func(context.Context, []option.ClientOption) (gcpDNS, error) { return fakeZones(), nil }

	c := caddy.NewTestController("dns", "clouddns example.org.:proj:public-zone example.com.:proj:other-zone {\n fallthrough\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("got %d plugins, want 1", len(plugins))
	}
	h, ok := plugins[0](nil).(*CloudDNS)
	if !ok {
		t.Fatal("plugin is not a *CloudDNS")
	}
	if len(h.zoneNames) != 2 || h.zoneNames[0] != "example.org." || h.zoneNames[1] != "example.com." || !h.Fall.Equal(fall.Root) {
		t.Errorf("zones %v fall %v", h.zoneNames, h.Fall)
	}

	c = caddy.NewTestController("dns", "clouddns example.org.:proj:nope")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/clouddns") {
		t.Errorf("got %v, want a plugin/clouddns error", err)
	}
}

func TestNewClientWithSDK(t *testing.T) {
	cl, err := newClient(context.Background(), []option.ClientOption{option.WithoutAuthentication(), option.WithEndpoint("http://127.0.0.1:1/")})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cl.(client); !ok {
		t.Errorf("got %T, want client", cl)
	}
}
