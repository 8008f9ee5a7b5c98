package grpc

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"
)

// parseInput parses input and returns the GRPC, whose connections it closes when
// t ends.
func parseInput(t *testing.T, input string) (*GRPC, error) {
	t.Helper()
	g, err := parseGRPC(caddy.NewTestController("dns", input))
	if g != nil {
		t.Cleanup(func() { g.OnShutdown() })
	}
	return g, err
}

func addrs(g *GRPC) []string {
	var s []string
	for _, p := range g.proxies {
		s = append(s, p.addr)
	}
	return s
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "grpc . 127.0.0.1")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("%d plugins added, want 1", n)
	}
	g := dnsserver.GetConfig(c).Plugin[0](nil).(*GRPC)
	defer g.OnShutdown()

	err := setup(caddy.NewTestController("dns", "grpc ."))
	if err == nil || !strings.HasPrefix(err.Error(), "plugin/grpc: ") {
		t.Errorf("bad stanza: err = %v, want a plugin/grpc error", err)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	resolv := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver 10.0.0.1\nnameserver 10.0.0.2\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input   string
		from    string
		addrs   []string
		policy  policy
		ignored []string
		fall    []string
	}{
		{"grpc . 127.0.0.1", ".", []string{"127.0.0.1:53"}, policyRandom, nil, nil},
		{"grpc Example.ORG 127.0.0.1:5353 grpc://[::1] grpc://10.0.0.9:8053", "example.org.",
			[]string{"127.0.0.1:5353", "[::1]:443", "10.0.0.9:8053"}, policyRandom, nil, nil},
		{"grpc . " + resolv, ".", []string{"10.0.0.1:53", "10.0.0.2:53"}, policyRandom, nil, nil},
		{"grpc 10.0.0.0/24 127.0.0.1", "0.0.10.in-addr.arpa.", []string{"127.0.0.1:53"}, policyRandom, nil, nil},
		{"grpc . 127.0.0.1 {\nexcept miek.nl example.ORG\n}", ".", []string{"127.0.0.1:53"}, policyRandom,
			[]string{"miek.nl.", "example.org."}, nil},
		{"grpc . 127.0.0.1 {\nexcept miek.nl\nexcept example.org\n}", ".", []string{"127.0.0.1:53"}, policyRandom,
			[]string{"miek.nl.", "example.org."}, nil},
		{"grpc . 127.0.0.1 {\npolicy random\n}", ".", []string{"127.0.0.1:53"}, policyRandom, nil, nil},
		{"grpc . 127.0.0.1 {\npolicy round_robin\n}", ".", []string{"127.0.0.1:53"}, policyRoundRobin, nil, nil},
		{"grpc . 127.0.0.1 {\npolicy sequential\n}", ".", []string{"127.0.0.1:53"}, policySequential, nil, nil},
		{"grpc . 127.0.0.1 {\nfallthrough\n}", ".", []string{"127.0.0.1:53"}, policyRandom, nil, []string{"."}},
		{"grpc . 127.0.0.1 {\nfallthrough example.org Miek.nl\n}", ".", []string{"127.0.0.1:53"}, policyRandom, nil,
			[]string{"example.org.", "miek.nl."}},
	}
	for _, tt := range tests {
		g, err := parseInput(t, tt.input)
		if err != nil {
			t.Errorf("%q: %v", tt.input, err)
			continue
		}
		if g.from != tt.from {
			t.Errorf("%q: from %q, want %q", tt.input, g.from, tt.from)
		}
		if got := addrs(g); !slices.Equal(got, tt.addrs) {
			t.Errorf("%q: upstreams %v, want %v", tt.input, got, tt.addrs)
		}
		if g.policy != tt.policy {
			t.Errorf("%q: policy %s, want %s", tt.input, g.policy, tt.policy)
		}
		if !slices.Equal(g.ignored, tt.ignored) {
			t.Errorf("%q: except %v, want %v", tt.input, g.ignored, tt.ignored)
		}
		if !slices.Equal(g.Fall.Zones, tt.fall) {
			t.Errorf("%q: fallthrough %v, want %v", tt.input, g.Fall.Zones, tt.fall)
		}
		if g.tlsConfig != nil {
			t.Errorf("%q: TLS configured without tls", tt.input)
		}
	}
}

func TestParseMaxUpstreams(t *testing.T) {
	to := strings.Repeat(" 127.0.0.1", maxUpstreams)
	g, err := parseInput(t, "grpc ."+to)
	if err != nil || len(g.proxies) != maxUpstreams {
		t.Fatalf("%d upstreams: %v", maxUpstreams, err)
	}
	if _, err := parseInput(t, "grpc ."+to+" 127.0.0.2"); err == nil || !strings.Contains(err.Error(), "more than 15 TOs configured: 16") {
		t.Errorf("16 upstreams: err = %v", err)
	}
}

func TestParseTLS(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")

	tests := []struct {
		block      string
		certs      int
		customCA   bool
		serverName string
	}{
		{"tls", 0, false, ""},
		{"tls " + ca, 0, true, ""},
		{"tls " + cert + " " + key, 1, false, ""},
		{"tls " + cert + " " + key + " " + ca, 1, true, ""},
		{"tls " + ca + "\ntls_servername dns.example.org", 0, true, "dns.example.org"},
		{"tls_servername dns.example.org", 0, false, "dns.example.org"},
	}
	for _, tt := range tests {
		g, err := parseInput(t, "grpc . grpc://127.0.0.1 {\n"+tt.block+"\n}")
		if err != nil {
			t.Errorf("%q: %v", tt.block, err)
			continue
		}
		tc := g.tlsConfig
		if tc == nil {
			t.Errorf("%q: no TLS config", tt.block)
			continue
		}
		if len(tc.Certificates) != tt.certs || (tc.RootCAs != nil) != tt.customCA || tc.ServerName != tt.serverName {
			t.Errorf("%q: %d certificates, custom CA %v, server name %q; want %d, %v, %q", tt.block,
				len(tc.Certificates), tc.RootCAs != nil, tc.ServerName, tt.certs, tt.customCA, tt.serverName)
		}
	}
}

func TestParseTLSRoot(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	c := caddy.NewTestController("dns", "grpc . 127.0.0.1 {\ntls cert.pem key.pem ca.pem\n}")
	dnsserver.GetConfig(c).Root = dir
	g, err := parseGRPC(c)
	if err != nil {
		t.Fatalf("relative to root %s: %v", dir, err)
	}
	defer g.OnShutdown()
	if len(g.tlsConfig.Certificates) != 1 || g.tlsConfig.RootCAs == nil {
		t.Errorf("root-relative tls files not loaded")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"grpc", "Testfile:1 - Error during parsing: Wrong argument count"},
		{"grpc .", "Testfile:1 - Error during parsing: Wrong argument count"},
		{"grpc . example.com", "Testfile:1 - Error during parsing: not an IP address or file"},
		{"grpc . /no/such/resolv.conf", "not an IP address or file"},
		{"grpc . tls://127.0.0.1", `Testfile:1 - Error during parsing: unsupported transport "tls"`},
		{"grpc . https://127.0.0.1", `unsupported transport "https"`},
		{"grpc . 127.0.0.1:99999", "Testfile:1 - Error during parsing: not an IP address or file"},
		{"grpc . 127.0.0.1 {\nnope\n}", "Testfile:2 - Error during parsing: unknown property 'nope'"},
		{"grpc . 127.0.0.1 {\nexcept\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1 {\npolicy\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1 {\npolicy first\n}", "Testfile:2 - Error during parsing: unknown policy 'first'"},
		{"grpc . 127.0.0.1 {\npolicy random sequential\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1 {\ntls a b c d\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1 {\ntls /no/such/cert.pem /no/such/key.pem\n}", "Testfile:2 - Error during parsing: "},
		{"grpc . 127.0.0.1 {\ntls /no/such/ca.pem\n}", "Testfile:2 - Error during parsing: "},
		{"grpc . 127.0.0.1 {\ntls_servername\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1 {\ntls_servername a b\n}", "Testfile:2 - Error during parsing: Wrong argument count"},
		{"grpc . 127.0.0.1\ngrpc example.org 127.0.0.2", plugin.ErrOnce.Error()},
	}
	for _, tt := range tests {
		_, err := parseInput(t, tt.input)
		if err == nil {
			t.Errorf("%q: no error, want %q", tt.input, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want it to contain %q", tt.input, err, tt.want)
		}
	}
}
