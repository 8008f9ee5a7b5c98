package loop

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input string
		err   string // substring of the expected error; "" for none
	}{
		{"loop", ""},
		{"loop {\n}", ""},
		{"loop now", "Wrong argument count"},
		{"loop {\nretries 3\n}", "unknown property"},
		{"loop\nloop", "only be used once"},
	}
	for _, tc := range tests {
		err := parse(caddy.NewTestController("dns", tc.input))
		if tc.err == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.input, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
		}
	}
}

func TestSetup(t *testing.T) {
	if err := setup(caddy.NewTestController("dns", "loop")); err != nil {
		t.Fatal(err)
	}
	err := setup(caddy.NewTestController("dns", "loop x"))
	if err == nil || !strings.Contains(err.Error(), "plugin/loop") || !strings.Contains(err.Error(), "Testfile:1") {
		t.Errorf("error %v, want one naming the plugin, file and line", err)
	}
}

func TestProbeAddr(t *testing.T) {
	tests := []struct {
		conf dnsserver.Config
		want string
		ok   bool
	}{
		{dnsserver.Config{Port: "1053", ListenHosts: []string{""}}, ":1053", true},
		{dnsserver.Config{Port: "53", ListenHosts: []string{"127.0.0.1", "::1"}, Transport: "dns"}, "127.0.0.1:53", true},
		{dnsserver.Config{Port: "53", ListenHosts: []string{"::1"}}, "[::1]:53", true},
		{dnsserver.Config{Port: "53"}, ":53", true},
		{dnsserver.Config{Port: "0", ListenHosts: []string{"127.0.0.1"}}, "", false},
		{dnsserver.Config{Port: "853", ListenHosts: []string{""}, Transport: "tls"}, "", false},
	}
	for _, tc := range tests {
		got, ok := probeAddr(&tc.conf)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%+v: got %q %v, want %q %v", tc.conf, got, ok, tc.want, tc.ok)
		}
	}
}
