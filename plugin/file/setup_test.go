package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/fall"
)

func writeZone(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFileParse(t *testing.T) {
	dir := t.TempDir()
	zoo := writeZone(t, dir, "db.zoo", zooZone)
	writeZone(t, dir, "db.secure", secureZone)
	bad := writeZone(t, dir, "db.bad", "$ORIGIN zoo.test.\n@ IN SOA ns1 hostmaster 1 2 3 4 5\nwww IN A not-an-ip\n")
	missing := filepath.Join(dir, "db.missing")

	tests := []struct {
		input    string
		root     string
		keys     []string
		wantErr  string
		names    []string
		reload   time.Duration
		byMtime  bool
		fall     fall.F
		loadedOK bool // the zone has data
	}{
		{input: "file " + zoo, keys: []string{"zoo.test.:53"}, names: []string{"zoo.test."}, reload: time.Minute, loadedOK: true},
		{input: "file " + zoo + " zoo.test", keys: []string{"."}, names: []string{"zoo.test."}, reload: time.Minute, loadedOK: true},
		{input: "file db.zoo", root: dir, keys: []string{"zoo.test."}, names: []string{"zoo.test."}, reload: time.Minute, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n reload 5s\n}", names: []string{"zoo.test."}, reload: 5 * time.Second, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n reload 0\n}", names: []string{"zoo.test."}, reload: 0, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n reload_by_mtime\n}", names: []string{"zoo.test."}, reload: time.Minute, byMtime: true, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n fallthrough\n}", names: []string{"zoo.test."}, reload: time.Minute, fall: fall.Root, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n fallthrough sub.zoo.test\n}", names: []string{"zoo.test."}, reload: time.Minute,
			fall: fall.F{Zones: []string{"sub.zoo.test."}}, loadedOK: true},
		{input: "file " + zoo + " zoo.test {\n upstream 8.8.8.8\n}", names: []string{"zoo.test."}, reload: time.Minute, loadedOK: true},
		{input: "file " + zoo + " zoo.test\nfile db.secure secure.test", root: dir, names: []string{"zoo.test.", "secure.test."}, reload: time.Minute, loadedOK: true},
		// A missing file is retried on reload, unless reloading is off.
		{input: "file " + missing + " zoo.test", names: []string{"zoo.test."}, reload: time.Minute},
		{input: "file " + missing + " zoo.test {\n reload 0\n}", wantErr: "no such file"},
		// Errors.
		{input: "file", wantErr: "Wrong argument count"},
		{input: "file " + zoo + " zoo.test {\n reload\n}", wantErr: "Wrong argument count"},
		{input: "file " + zoo + " zoo.test {\n reload 1s 2s\n}", wantErr: "Wrong argument count"},
		{input: "file " + zoo + " zoo.test {\n reload soon\n}", wantErr: "invalid reload duration"},
		{input: "file " + zoo + " zoo.test {\n reload -1s\n}", wantErr: "must not be negative"},
		{input: "file " + zoo + " zoo.test {\n reload_by_mtime yes\n}", wantErr: "Wrong argument count"},
		{input: "file " + zoo + " zoo.test {\n frobnicate\n}", wantErr: "unknown property 'frobnicate'"},
		{input: "file " + bad + " zoo.test", wantErr: "bad A"},
		{input: "file " + zoo + " other.test", wantErr: "no SOA record"},
		{input: "file " + zoo, wantErr: "no zones to serve"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = tc.keys
			dnsserver.GetConfig(c).Root = tc.root
			zones, fl, err := fileParse(c)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), "Testfile:") {
					t.Errorf("error %q does not name the Corefile line", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if strings.Join(zones.Names, ",") != strings.Join(tc.names, ",") {
				t.Fatalf("names = %v, want %v", zones.Names, tc.names)
			}
			if !fl.Equal(tc.fall) {
				t.Errorf("fallthrough = %v, want %v", fl, tc.fall)
			}
			for _, n := range tc.names {
				z := zones.Z[n]
				if z.ReloadInterval != tc.reload || z.ReloadByMtime != tc.byMtime || z.Upstream == nil {
					t.Errorf("%s: reload %v by mtime %v upstream %v", n, z.ReloadInterval, z.ReloadByMtime, z.Upstream)
				}
				if (z.SOASerialIfDefined() >= 0) != tc.loadedOK {
					t.Errorf("%s: loaded = %v, want %v", n, z.SOASerialIfDefined() >= 0, tc.loadedOK)
				}
			}
		})
	}
}

func TestSetup(t *testing.T) {
	dir := t.TempDir()
	zoo := writeZone(t, dir, "db.zoo", zooZone)
	c := caddy.NewTestController("dns", "file "+zoo+" zoo.test")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("%d plugins added, want 1", n)
	}
	h := dnsserver.GetConfig(c).Plugin[0](nil)
	if f, ok := h.(File); !ok || f.Name() != "file" || len(f.Zones.Names) != 1 {
		t.Fatalf("handler = %#v", h)
	}

	c = caddy.NewTestController("dns", "file")
	err := setup(c)
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/file: ") {
		t.Fatalf("setup error = %v, want one prefixed with plugin/file", err)
	}
}
