package tsig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
)

const secretA = "X28hl0BOfAL5G0jsmJWSacrwn7YRm2f6U5brnzwWEus="

func TestParse(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "keys.conf")
	if err := os.WriteFile(good, []byte(`# keys for the tests
key "file.key." {
    algorithm hmac-sha256; // ignored
    secret "`+secretA+`";
};
/* a second
   key */
key other.key {
	secret "`+secretA+`";
};
`), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(bad, []byte(`key "x." { color blue; };`), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input   string
		err     string
		zones   []string
		secrets []string
		types   []uint16
		all     bool
	}{
		{input: "tsig", zones: []string{"example.org."}},
		{input: "tsig a.org b.org {\n secret Key.Example " + secretA + "\n}", zones: []string{"a.org.", "b.org."}, secrets: []string{"key.example."}},
		{input: "tsig {\n secrets " + good + "\n require AXFR ixfr\n}", zones: []string{"example.org."},
			secrets: []string{"file.key.", "other.key."}, types: []uint16{dns.TypeAXFR, dns.TypeIXFR}},
		{input: "tsig {\n require all\n}", zones: []string{"example.org."}, all: true},
		{input: "tsig {\n require all\n require none\n}", zones: []string{"example.org."}},
		{input: "tsig {\n secret k. " + secretA + "\n secret K. " + secretA + "\n}", err: `key "k." redefined`},
		{input: "tsig {\n secret k.\n}", err: "Wrong argument count"},
		{input: "tsig {\n secret k. not-base64!\n}", err: "not valid base64"},
		{input: "tsig {\n secrets\n}", err: "Wrong argument count"},
		{input: "tsig {\n secrets " + filepath.Join(dir, "none") + "\n}", err: "no such file"},
		{input: "tsig {\n secrets " + bad + "\n}", err: `unknown option "color"`},
		{input: "tsig {\n require\n}", err: "Wrong argument count"},
		{input: "tsig {\n require BOGUS\n}", err: "unknown query type 'BOGUS'"},
		{input: "tsig {\n bogus\n}", err: "unknown property 'bogus'"},
		{input: "tsig\ntsig", err: "only be used once"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = []string{"example.org"}
			ts, err := parse(c)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(ts.Zones, " ") != strings.Join(tc.zones, " ") {
				t.Errorf("zones %v, want %v", ts.Zones, tc.zones)
			}
			if len(ts.secrets) != len(tc.secrets) {
				t.Errorf("secrets %v, want %v", ts.secrets, tc.secrets)
			}
			for _, k := range tc.secrets {
				if ts.secrets[k] != secretA {
					t.Errorf("no secret for %q in %v", k, ts.secrets)
				}
			}
			if len(ts.types) != len(tc.types) || ts.all != tc.all {
				t.Errorf("require %v all=%v, want %v all=%v", ts.types, ts.all, tc.types, tc.all)
			}
			for _, qt := range tc.types {
				if !ts.required(qt) {
					t.Errorf("%s not required", dns.TypeToString[qt])
				}
			}
		})
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "tsig {\n secret k. "+secretA+"\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	if got := dnsserver.GetConfig(c).TsigSecret["k."]; got != secretA {
		t.Errorf("server secret %q", got)
	}
	c = caddy.NewTestController("dns", "tsig {\n bogus\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/tsig") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Errorf("error %v does not name the plugin, file and line", err)
	}
}
