package hosts

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

func TestHostsParse(t *testing.T) {
	dir := t.TempDir()
	hostsFile := filepath.Join(dir, "hosts")
	if err := os.WriteFile(hostsFile, []byte("10.1.1.1 a.example.org\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input   string
		root    string
		keys    []string
		wantErr string

		path    string
		origins []string
		fall    fall.F
		ttl     uint32
		reload  time.Duration
		reverse bool
		inline  int // inline name/address pairs
	}{
		{input: "hosts", keys: []string{"."}, path: "/etc/hosts", origins: []string{"."}, ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile, keys: []string{"example.org.:53"}, path: hostsFile, origins: []string{"example.org."}, ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts hosts", root: dir, keys: []string{"."}, path: hostsFile, origins: []string{"."}, ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile + " example.org Example.NET", keys: []string{"."}, path: hostsFile,
			origins: []string{"example.org.", "example.net."}, ttl: 3600, reload: 5 * time.Second, reverse: true},
		// A missing file only warns.
		{input: "hosts " + filepath.Join(dir, "missing"), keys: []string{"."}, path: filepath.Join(dir, "missing"), origins: []string{"."},
			ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile + " {\n fallthrough\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."},
			fall: fall.Root, ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile + " {\n fallthrough in-addr.arpa\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."},
			fall: fall.F{Zones: []string{"in-addr.arpa."}}, ttl: 3600, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile + " {\n ttl 60\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."}, ttl: 60, reload: 5 * time.Second, reverse: true},
		{input: "hosts " + hostsFile + " {\n reload 1m\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."}, ttl: 3600, reload: time.Minute, reverse: true},
		{input: "hosts " + hostsFile + " {\n reload 0\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."}, ttl: 3600, reload: 0, reverse: true},
		{input: "hosts " + hostsFile + " {\n no_reverse\n}", keys: []string{"."}, path: hostsFile, origins: []string{"."}, ttl: 3600, reload: 5 * time.Second},
		{input: "hosts {\n 10.0.0.1 a.example.org b.example.org\n fd00::1 a.example.org\n 10.0.0.2\n}", keys: []string{"."}, path: "/etc/hosts", origins: []string{"."},
			ttl: 3600, reload: 5 * time.Second, reverse: true, inline: 3},
		{input: "hosts {\n 10.0.0.1 a.example.org\n ttl 10\n no_reverse\n reload 2s\n fallthrough\n}", keys: []string{"."}, path: "/etc/hosts", origins: []string{"."},
			fall: fall.Root, ttl: 10, reload: 2 * time.Second, inline: 1},
		// Errors.
		{input: "hosts " + hostsFile + " {\n ttl\n}", wantErr: "Wrong argument count"},
		{input: "hosts " + hostsFile + " {\n ttl 1 2\n}", wantErr: "Wrong argument count"},
		{input: "hosts " + hostsFile + " {\n ttl abc\n}", wantErr: "ttl needs a number"},
		{input: "hosts " + hostsFile + " {\n ttl 0\n}", wantErr: "ttl provided is invalid"},
		{input: "hosts " + hostsFile + " {\n ttl 65536\n}", wantErr: "ttl provided is invalid"},
		{input: "hosts " + hostsFile + " {\n reload\n}", wantErr: "Wrong argument count"},
		{input: "hosts " + hostsFile + " {\n reload soon\n}", wantErr: "invalid duration for reload"},
		{input: "hosts " + hostsFile + " {\n reload -1s\n}", wantErr: "invalid negative duration"},
		{input: "hosts " + hostsFile + " {\n no_reverse please\n}", wantErr: "Wrong argument count"},
		{input: "hosts " + hostsFile + " {\n frobnicate\n}", wantErr: "unknown property 'frobnicate'"},
		{input: "hosts " + hostsFile + "\nhosts " + hostsFile, wantErr: "once per Server Block"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = tc.keys
			dnsserver.GetConfig(c).Root = tc.root
			h, err := hostsParse(c)
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
			if h.path != tc.path {
				t.Errorf("path = %q, want %q", h.path, tc.path)
			}
			if strings.Join(h.Origins, ",") != strings.Join(tc.origins, ",") {
				t.Errorf("origins = %v, want %v", h.Origins, tc.origins)
			}
			if !h.Fall.Equal(tc.fall) {
				t.Errorf("fallthrough = %v, want %v", h.Fall, tc.fall)
			}
			if h.options.ttl != tc.ttl || h.options.reload != tc.reload || h.options.autoReverse != tc.reverse {
				t.Errorf("options = %+v, want ttl %d reload %v reverse %v", *h.options, tc.ttl, tc.reload, tc.reverse)
			}
			if n := h.inline.Len(); n != tc.inline {
				t.Errorf("inline entries = %d, want %d", n, tc.inline)
			}
			if !tc.reverse && len(h.inline.ptr) != 0 {
				t.Errorf("no_reverse but inline PTR data %v", h.inline.ptr)
			}
		})
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "hosts {\n 10.0.0.1 a.example.org\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Fatalf("%d plugins added, want 1", n)
	}
	if h, ok := dnsserver.GetConfig(c).Plugin[0](nil).(Hosts); !ok || h.Name() != "hosts" {
		t.Fatalf("handler = %#v", h)
	}

	c = caddy.NewTestController("dns", "hosts {\n ttl x\n}")
	err := setup(c)
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/hosts: ") {
		t.Fatalf("setup error = %v, want one prefixed with plugin/hosts", err)
	}
}
