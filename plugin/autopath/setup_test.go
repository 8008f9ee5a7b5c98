package autopath

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func writeResolv(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "resolv.conf")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSetup(t *testing.T) {
	resolv := writeResolv(t, "search example.org\n")
	c := caddy.NewTestController("dns", "autopath "+resolv)
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("%d plugins added, want 1", n)
	}
}

func TestParse(t *testing.T) {
	resolv := writeResolv(t, "nameserver 192.0.2.1\nsearch Default.svc.Cluster.local svc.cluster.local. cluster.local\noptions ndots:5\n")
	domainOnly := writeResolv(t, "domain example.org\n")
	empty := writeResolv(t, "nameserver 192.0.2.1\n")

	tests := []struct {
		input  string
		zones  []string
		search []string
		plugin string
		err    string // part of the error, "" for none
	}{
		{
			input:  "autopath " + resolv,
			zones:  []string{"example.net."},
			search: []string{"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""},
		},
		{
			input:  "autopath cluster.local. Example.COM " + resolv,
			zones:  []string{"cluster.local.", "example.com."},
			search: []string{"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""},
		},
		{input: "autopath " + domainOnly, zones: []string{"example.net."}, search: []string{"example.org.", ""}},
		{input: "autopath " + empty, zones: []string{"example.net."}, search: []string{""}},
		{input: "autopath @kubernetes", zones: []string{"example.net."}, plugin: "kubernetes"},
		{input: "autopath cluster.local @kubernetes", zones: []string{"cluster.local."}, plugin: "kubernetes"},

		// Errors.
		{input: "autopath", err: "Wrong argument count"},
		{input: "autopath @", err: `no plugin named after "@"`},
		{input: "autopath /does/not/exist/resolv.conf", err: `failed to parse "/does/not/exist/resolv.conf"`},
		{input: "autopath @kubernetes {\n  foo\n}", err: `unknown property "foo"`},
		{input: "autopath @kubernetes\nautopath @erratic", err: plugin.ErrOnce.Error()},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.net:53"}
		a, src, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: got error %v, want one containing %q", tc.input, err, tc.err)
			}
			if err != nil && tc.err != plugin.ErrOnce.Error() && !strings.Contains(err.Error(), "Testfile:") {
				t.Errorf("%q: error %q does not name the file and line", tc.input, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if !reflect.DeepEqual(a.Zones, tc.zones) || !reflect.DeepEqual(a.search, tc.search) || src.plugin != tc.plugin {
			t.Errorf("%q: got zones %v search %q plugin %q", tc.input, a.Zones, a.search, src.plugin)
		}
		if src.where != "Testfile:1" {
			t.Errorf("%q: directive located at %q", tc.input, src.where)
		}
	}
}
