package etcd

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/test"

	etcdcv3 "go.etcd.io/etcd/client/v3"
)

func TestSetupParse(t *testing.T) {
	pemDir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, ca := filepath.Join(pemDir, "cert.pem"), filepath.Join(pemDir, "key.pem"), filepath.Join(pemDir, "ca.pem")

	tests := []struct {
		input     string
		zones     []string
		path      string
		endpoints []string
		fall      []string
		user      string
		tls       bool
		err       string // part of the expected error; "" for none
	}{
		{"etcd", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", false, ""},
		{"etcd skydns.local. 10.in-addr.arpa", []string{"skydns.local.", "10.in-addr.arpa."}, "skydns", []string{defaultEndpoint}, nil, "", false, ""},
		{`etcd skydns.local {
			path /other
			endpoint http://127.0.0.1:2379 http://127.0.0.2:2379
		}`, []string{"skydns.local."}, "/other", []string{"http://127.0.0.1:2379", "http://127.0.0.2:2379"}, nil, "", false, ""},
		{"etcd {\n fallthrough\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, []string{"."}, "", false, ""},
		{"etcd {\n fallthrough in-addr.arpa\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, []string{"in-addr.arpa."}, "", false, ""},
		{"etcd {\n credentials root secret\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "root", false, ""},
		{"etcd {\n tls\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", true, ""},
		{"etcd {\n tls " + ca + "\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", true, ""},
		{"etcd {\n tls " + cert + " " + key + "\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", true, ""},
		{"etcd {\n tls " + cert + " " + key + " " + ca + "\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", true, ""},
		// Options of older releases are accepted.
		{"etcd {\n stubzones\n upstream 8.8.8.8\n upstream\n debug\n}", []string{"example.org."}, "skydns", []string{defaultEndpoint}, nil, "", false, ""},

		{"etcd {\n path\n}", nil, "", nil, nil, "", false, "Testfile:2 - Error during parsing: Wrong argument count"},
		{"etcd {\n path a b\n}", nil, "", nil, nil, "", false, "Wrong argument count"},
		{"etcd {\n endpoint\n}", nil, "", nil, nil, "", false, "Testfile:2 - Error during parsing: Wrong argument count"},
		{"etcd {\n credentials root\n}", nil, "", nil, nil, "", false, "Testfile:2 - Error during parsing: credentials requires 2 arguments"},
		{"etcd {\n credentials\n}", nil, "", nil, nil, "", false, "credentials requires 2 arguments"},
		{"etcd {\n credentials a b c\n}", nil, "", nil, nil, "", false, "credentials requires 2 arguments"},
		{"etcd {\n tls /does/not/exist.pem\n}", nil, "", nil, nil, "", false, "Testfile:2 - Error during parsing: tls:"},
		{"etcd {\n tls a b c d\n}", nil, "", nil, nil, "", false, "maximum of three arguments"},
		{"etcd {\n stubzones yes\n}", nil, "", nil, nil, "", false, "Wrong argument count"},
		{"etcd {\n bogus\n}", nil, "", nil, nil, "", false, "Testfile:2 - Error during parsing: unknown property 'bogus'"},
		{"etcd\netcd", nil, "", nil, nil, "", false, "only be used once"},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.org"}
		e, cfg, err := etcdParse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d: error %v, want one containing %q", i, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d: %v", i, err)
			continue
		}
		if !slices.Equal(e.Zones, tc.zones) || e.PathPrefix != tc.path || !slices.Equal(cfg.endpoints, tc.endpoints) ||
			!slices.Equal(e.Fall.Zones, tc.fall) || cfg.username != tc.user || (cfg.tls != nil) != tc.tls {
			t.Errorf("test %d: zones %v path %q endpoints %v fall %v user %q tls %t", i, e.Zones, e.PathPrefix, cfg.endpoints, e.Fall.Zones, cfg.username, cfg.tls != nil)
		}
		if tc.user != "" && cfg.password != "secret" {
			t.Errorf("test %d: password %q", i, cfg.password)
		}
		if e.Upstream == nil {
			t.Errorf("test %d: no upstream", i)
		}
	}
}

// TestSetupTLSRoot checks relative tls files are found below the root.
func TestSetupTLSRoot(t *testing.T) {
	pemDir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	c := caddy.NewTestController("dns", "etcd {\n tls cert.pem key.pem ca.pem\n}")
	dnsserver.GetConfig(c).Root = pemDir
	if _, cfg, err := etcdParse(c); err != nil || cfg.tls == nil {
		t.Fatalf("got %v, tls %v", err, cfg.tls)
	}
	if _, err := os.Stat(filepath.Join(pemDir, "cert.pem")); err != nil {
		t.Fatal(err)
	}
}

// TestSetup runs the whole setup: the client connects in the background, so
// an unreachable endpoint does not stop start-up.
func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "etcd skydns.local {\n endpoint http://127.0.0.1:1\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	plugins := dnsserver.GetConfig(c).Plugin
	if len(plugins) != 1 {
		t.Fatalf("%d plugins added, want 1", len(plugins))
	}
	e, ok := plugins[0](nil).(*Etcd)
	if !ok || e.Client == nil || !slices.Equal(e.endpoints, []string{"http://127.0.0.1:1"}) {
		t.Fatalf("got %#v", plugins[0](nil))
	}
	if err := e.Client.(*etcdcv3.Client).Close(); err != nil {
		t.Error(err)
	}

	c = caddy.NewTestController("dns", "etcd {\n unknown\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/etcd") {
		t.Errorf("error %v, want one naming plugin/etcd", err)
	}
}
