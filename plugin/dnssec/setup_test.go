package dnssec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	dir := t.TempDir()
	k1 := writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)
	k2 := writeKey(t, dir, "example.org.", dns.ED25519, 256)
	notKey := filepath.Join(dir, "Kbroken")
	os.WriteFile(notKey+".key", []byte("example.org. IN A 192.0.2.1\n"), 0o644)
	os.WriteFile(notKey+".private", []byte("garbage\n"), 0o600)

	tests := []struct {
		input    string
		zones    []string
		keys     int
		capacity int
		err      string // a substring of the error, "" for none
	}{
		{"dnssec {\n key file " + k1 + "\n}", []string{"example.org."}, 1, DefaultCapacity, ""},
		{"dnssec {\n key file " + k1 + ".key\n}", []string{"example.org."}, 1, DefaultCapacity, ""},
		{"dnssec {\n key file " + k1 + ".private\n}", []string{"example.org."}, 1, DefaultCapacity, ""},
		{"dnssec example.com EXAMPLE.net {\n key file " + k1 + " " + k2 + "\n cache_capacity 100\n}", []string{"example.com.", "example.net."}, 2, 100, ""},
		{"dnssec {\n key file " + k1 + "\n key file " + k2 + "\n}", []string{"example.org."}, 2, DefaultCapacity, ""},
		// errors
		{"dnssec", nil, 0, 0, "no keys"},
		{"dnssec {\n}", nil, 0, 0, "no keys"},
		{"dnssec {\n key file " + k1 + "\n cache_capacity\n}", nil, 0, 0, "Wrong argument count"},
		{"dnssec {\n key file " + k1 + "\n cache_capacity 0\n}", nil, 0, 0, "positive integer"},
		{"dnssec {\n key file " + k1 + "\n cache_capacity many\n}", nil, 0, 0, "positive integer"},
		{"dnssec {\n key file " + k1 + "\n cache_capacity 10 20\n}", nil, 0, 0, "Wrong argument count"},
		{"dnssec {\n key\n}", nil, 0, 0, "Wrong argument count"},
		{"dnssec {\n key file\n}", nil, 0, 0, "Wrong argument count"},
		{"dnssec {\n key disk " + k1 + "\n}", nil, 0, 0, "unknown key source"},
		{"dnssec {\n key aws_secretsmanager Kexample\n}", nil, 0, 0, "not supported"},
		{"dnssec {\n key file " + filepath.Join(dir, "Knothere") + "\n}", nil, 0, 0, "no such file"},
		{"dnssec {\n key file " + notKey + "\n}", nil, 0, 0, "no DNSKEY"},
		{"dnssec {\n key file " + k1 + "\n frobnicate\n}", nil, 0, 0, "unknown property"},
		{"dnssec {\n key file " + k1 + "\n}\ndnssec {\n key file " + k1 + "\n}", nil, 0, 0, "once"},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.org."}
		zones, keys, capacity, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d: want error containing %q, got %v", i, tc.err, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d: unexpected error %v", i, err)
			continue
		}
		if strings.Join(zones, ",") != strings.Join(tc.zones, ",") {
			t.Errorf("test %d: zones %v, want %v", i, zones, tc.zones)
		}
		if len(keys) != tc.keys {
			t.Errorf("test %d: %d keys, want %d", i, len(keys), tc.keys)
		}
		if capacity != tc.capacity {
			t.Errorf("test %d: capacity %d, want %d", i, capacity, tc.capacity)
		}
	}
}

func TestSetupError(t *testing.T) {
	c := caddy.NewTestController("dns", "dnssec {\n frobnicate\n}")
	err := setup(c)
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/dnssec: ") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Errorf("want error naming plugin, file and line, got %v", err)
	}
}

// TestTestdataKey checks that the test key used by the README examples loads.
func TestTestdataKey(t *testing.T) {
	if _, err := ParseKeyFile("testdata/Kexample.org.+013+08590.key", "testdata/Kexample.org.+013+08590.private"); err != nil {
		t.Fatal(err)
	}
}
