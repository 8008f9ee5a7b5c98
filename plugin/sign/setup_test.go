package sign

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/miekg/dns"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	k1 := writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)
	zsk := writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 256)
	keydir := t.TempDir()
	writeKey(t, keydir, "example.org.", dns.ED25519, 257)
	writeKey(t, keydir, "example.org.", dns.ED25519, 256) // skipped: not a KSK
	writeKey(t, keydir, "example.net.", dns.ED25519, 257)

	tests := []struct {
		input     string
		origins   []string // one signer each
		keys      int      // keys of the first signer
		dbfile    string
		signedDir string
		err       string
	}{
		{"sign db.example.org {\n key file " + k1 + "\n}", []string{"example.org."}, 1, "db.example.org", defaultDirectory, ""},
		{"sign /abs/db {\n key file " + k1 + ".key\n directory /tmp/signed\n}", []string{"example.org."}, 1, "/abs/db", "/tmp/signed", ""},
		{"sign db example.org example.net {\n key directory " + keydir + "\n}", []string{"example.org.", "example.net."}, 1, "db", defaultDirectory, ""},
		{"sign db {\n key file " + k1 + "\n key directory " + keydir + "\n}", []string{"example.org."}, 2, "db", defaultDirectory, ""},
		{"sign db {\n key file " + k1 + "\n}\nsign db2 example.net {\n key file " + k1 + "\n}", []string{"example.org.", "example.net."}, 1, "db", defaultDirectory, ""},
		// errors
		{"sign", nil, 0, "", "", "Wrong argument count"},
		{"sign db", nil, 0, "", "", "no keys"},
		{"sign db {\n key\n}", nil, 0, "", "", "Wrong argument count"},
		{"sign db {\n key file\n}", nil, 0, "", "", "Wrong argument count"},
		{"sign db {\n key disk " + k1 + "\n}", nil, 0, "", "", "unknown key source"},
		{"sign db {\n key file " + k1 + "\n directory\n}", nil, 0, "", "", "Wrong argument count"},
		{"sign db {\n key file " + k1 + "\n directory a b\n}", nil, 0, "", "", "Wrong argument count"},
		{"sign db {\n key file " + k1 + "\n resign 1h\n}", nil, 0, "", "", "unknown property"},
		{"sign db {\n key file " + filepath.Join(dir, "Kmissing") + "\n}", nil, 0, "", "", "no such file"},
		{"sign db {\n key file " + zsk + "\n}", nil, 0, "", "", "not a key signing key"},
		{"sign db example.com {\n key directory " + keydir + "\n}", nil, 0, "", "", "no key signing keys"},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{"example.org."}
		s, err := parse(c)
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
		if len(s.signers) != len(tc.origins) {
			t.Errorf("test %d: %d signers, want %d", i, len(s.signers), len(tc.origins))
			continue
		}
		for j, o := range tc.origins {
			if s.signers[j].origin != o {
				t.Errorf("test %d: signer %d for %q, want %q", i, j, s.signers[j].origin, o)
			}
		}
		first := s.signers[0]
		if len(first.keys) != tc.keys {
			t.Errorf("test %d: %d keys, want %d", i, len(first.keys), tc.keys)
		}
		if first.dbfile != tc.dbfile {
			t.Errorf("test %d: dbfile %q, want %q", i, first.dbfile, tc.dbfile)
		}
		if want := filepath.Join(tc.signedDir, "db."+first.origin+"signed"); first.signedfile != want {
			t.Errorf("test %d: signed file %q, want %q", i, first.signedfile, want)
		}
	}
}

func TestParseRoot(t *testing.T) {
	dir := t.TempDir()
	k := writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)
	c := caddy.NewTestController("dns", "sign db.example.org {\n key file "+k+"\n directory signed\n}")
	c.ServerBlockKeys = []string{"example.org."}
	dnsserver.GetConfig(c).Root = "/srv/dns"
	s, err := parse(c)
	if err != nil {
		t.Fatal(err)
	}
	if s.signers[0].dbfile != "/srv/dns/db.example.org" || s.signers[0].signedfile != "/srv/dns/signed/db.example.org.signed" {
		t.Errorf("root not applied: %q, %q", s.signers[0].dbfile, s.signers[0].signedfile)
	}
}

func TestSetupError(t *testing.T) {
	c := caddy.NewTestController("dns", "sign db {\n frobnicate\n}")
	err := setup(c)
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/sign: ") || !strings.Contains(err.Error(), "Testfile:2") {
		t.Errorf("want error naming plugin, file and line, got %v", err)
	}
}

// TestStartStop checks that the background signer signs at start-up and
// stops on shutdown.
func TestStartStop(t *testing.T) {
	dir := t.TempDir()
	keys, err := keysFromFiles([]string{writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)})
	if err != nil {
		t.Fatal(err)
	}
	s := &Sign{signers: []*Signer{newSigner("example.org.", "testdata/db.example.org", dir, keys)}}
	if err := s.OnStartup(); err != nil {
		t.Fatal(err)
	}
	if err := s.OnShutdown(); err != nil {
		t.Fatal(err)
	}
	// The first check runs before the loop waits, so the file is there.
	if why := s.signers[0].resign(timeNow()); why != "" {
		t.Errorf("after start-up: %q", why)
	}
	if err := s.OnShutdown(); err != nil { // twice is harmless
		t.Fatal(err)
	}
}
