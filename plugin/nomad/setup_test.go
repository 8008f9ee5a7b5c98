package nomad

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestSetup(t *testing.T) {
	t.Setenv("NOMAD_ADDR", "")
	t.Setenv("NOMAD_TOKEN", "")
	tests := []struct {
		input     string
		zone      string
		ttl       uint32
		addresses []string
		token     string
	}{
		{"nomad", "service.nomad.", 30, []string{"http://127.0.0.1:4646"}, ""},
		{"nomad service.consul", "service.consul.", 30, []string{"http://127.0.0.1:4646"}, ""},
		{"nomad Example.ORG.", "example.org.", 30, []string{"http://127.0.0.1:4646"}, ""},
		{"nomad {\n ttl 0\n}", "service.nomad.", 0, []string{"http://127.0.0.1:4646"}, ""},
		{"nomad {\n ttl 3600\n}", "service.nomad.", 3600, []string{"http://127.0.0.1:4646"}, ""},
		{"nomad {\n token abc-123\n}", "service.nomad.", 30, []string{"http://127.0.0.1:4646"}, "abc-123"},
		{
			"nomad service.nomad {\n address http://10.0.0.1:4646 https://10.0.0.2:4646\n address unix:///secrets/api.sock\n ttl 10\n}",
			"service.nomad.", 10,
			// The SDK dials a unix socket and talks HTTP to a local host over it.
			[]string{"http://10.0.0.1:4646", "https://10.0.0.2:4646", "http://127.0.0.1"}, "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tt.input)
			cfg, err := parseConfig(c)
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if cfg.zone != tt.zone || cfg.ttl != tt.ttl || cfg.token != tt.token {
				t.Errorf("got zone %q ttl %d token %q, want %q %d %q", cfg.zone, cfg.ttl, cfg.token, tt.zone, tt.ttl, tt.token)
			}

			n, err := parse(caddy.NewTestController("dns", tt.input))
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if len(n.agents) != len(tt.addresses) {
				t.Fatalf("%d agents, want %d", len(n.agents), len(tt.addresses))
			}
			for i, a := range n.agents {
				got := a.(sdkAgent).c.Address()
				if got != tt.addresses[i] {
					t.Errorf("agent %d address %q, want %q", i, got, tt.addresses[i])
				}
			}
			if n.zone != tt.zone || n.ttl != tt.ttl {
				t.Errorf("plugin zone %q ttl %d, want %q %d", n.zone, n.ttl, tt.zone, tt.ttl)
			}
		})
	}
}

func TestSetupEnvironment(t *testing.T) {
	t.Setenv("NOMAD_ADDR", "http://192.0.2.1:4646")
	t.Setenv("NOMAD_TOKEN", "from-env")
	n, err := parse(caddy.NewTestController("dns", "nomad"))
	if err != nil {
		t.Fatal(err)
	}
	if got := n.agents[0].(sdkAgent).c.Address(); got != "http://192.0.2.1:4646" {
		t.Errorf("address %q, want NOMAD_ADDR", got)
	}

	// The Corefile wins over the environment.
	n, err = parse(caddy.NewTestController("dns", "nomad {\n address http://192.0.2.2:4646\n token from-file\n}"))
	if err != nil {
		t.Fatal(err)
	}
	if got := n.agents[0].(sdkAgent).c.Address(); got != "http://192.0.2.2:4646" {
		t.Errorf("address %q, want the Corefile's", got)
	}
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"nomad a.nomad b.nomad", "Wrong argument count"},
		{"nomad {\n address\n}", "Wrong argument count"},
		{"nomad {\n address 10.0.0.1:4646\n}", "invalid address"},
		{"nomad {\n address ftp://10.0.0.1\n}", "invalid address"},
		{"nomad {\n token\n}", "Wrong argument count"},
		{"nomad {\n token a b\n}", "Wrong argument count"},
		{"nomad {\n ttl\n}", "Wrong argument count"},
		{"nomad {\n ttl 10 20\n}", "Wrong argument count"},
		{"nomad {\n ttl ten\n}", "invalid ttl"},
		{"nomad {\n ttl 10s\n}", "invalid ttl"},
		{"nomad {\n ttl -1\n}", "out of range"},
		{"nomad {\n ttl 3601\n}", "out of range"},
		{"nomad {\n fallthrough\n}", "unknown property"},
		{"nomad\nnomad", "only one nomad block"},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			err := setup(caddy.NewTestController("dns", tt.input))
			if err == nil {
				t.Fatalf("expected an error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "plugin/nomad:") || !strings.Contains(msg, "Testfile:") {
				t.Errorf("error %q: want plugin, file, line and %q", msg, tt.want)
			}
		})
	}
}
