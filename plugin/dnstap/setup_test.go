package dnstap

import (
	"os"
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	host, _ := os.Hostname()
	version := caddy.AppName + "-" + caddy.AppVersion
	def := func(c config) config {
		if c.writeBuf == 0 {
			c.writeBuf = 1
		}
		if c.queue == 0 {
			c.queue = 1
		}
		if c.identity == "" {
			c.identity = host
		}
		if c.version == "" {
			c.version = version
		}
		return c
	}
	tests := []struct {
		input string
		want  []config
		err   string // substring of the error; "" for none
	}{
		{input: "dnstap /tmp/dnstap.sock", want: []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock"})}},
		{input: "dnstap unix:///tmp/dnstap.sock full", want: []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock", full: true})}},
		{input: "dnstap tcp://127.0.0.1:6000 full", want: []config{def(config{proto: "tcp", endpoint: "127.0.0.1:6000", full: true})}},
		{input: "dnstap tcp://example.com:6000", want: []config{def(config{proto: "tcp", endpoint: "example.com:6000"})}},
		{input: "dnstap tcp://[::1]:6000", want: []config{def(config{proto: "tcp", endpoint: "[::1]:6000"})}},
		{input: "dnstap tls://127.0.0.1:6000 {\nskipverify\n}", want: []config{def(config{proto: "tls", endpoint: "127.0.0.1:6000", skipVerify: true})}},
		{input: "dnstap /tmp/dnstap.sock full 1024 2048", want: []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock", full: true, writeBuf: 1024, queue: 2048})}},
		{input: "dnstap /tmp/dnstap.sock 4", want: []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock", writeBuf: 4})}},
		{input: "dnstap /tmp/dnstap.sock 4 8", want: []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock", writeBuf: 4, queue: 8})}},
		{
			input: "dnstap /tmp/dnstap.sock {\nidentity my-dns-server1\nversion MyDNSServer-1.2.3\nextra \"{/metadata/label} {type}\"\n}",
			want:  []config{def(config{proto: "unix", endpoint: "/tmp/dnstap.sock", identity: "my-dns-server1", version: "MyDNSServer-1.2.3", extra: "{/metadata/label} {type}"})},
		},
		{
			input: "dnstap /tmp/a.sock full\ndnstap tcp://127.0.0.1:6000",
			want: []config{
				def(config{proto: "unix", endpoint: "/tmp/a.sock", full: true}),
				def(config{proto: "tcp", endpoint: "127.0.0.1:6000"}),
			},
		},
		// Errors.
		{input: "dnstap", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock full 1 2 3", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock 1 2 3", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock zero", err: `invalid write buffer "zero"`},
		{input: "dnstap /tmp/a.sock full 1 0", err: `invalid queue "0"`},
		{input: "dnstap /tmp/a.sock -1", err: `invalid write buffer "-1"`},
		{input: "dnstap udp://127.0.0.1:6000", err: `unknown socket type "udp"`},
		{input: "dnstap tcp://127.0.0.1", err: `invalid tcp endpoint`},
		{input: "dnstap tls://:6000", err: `invalid tls endpoint`},
		{input: "dnstap unix://", err: `empty unix socket path`},
		{input: "dnstap /tmp/a.sock {\nidentity\n}", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock {\nversion a b\n}", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock {\nextra\n}", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock {\nskipverify yes\n}", err: "Wrong argument count"},
		{input: "dnstap /tmp/a.sock {\nbogus\n}", err: `unknown property "bogus"`},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		got, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("test %d (%q): error %v, want one containing %q", i, tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d (%q): unexpected error %v", i, tc.input, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("test %d (%q): got %d configs, want %d", i, tc.input, len(got), len(tc.want))
			continue
		}
		for j := range got {
			if got[j] != tc.want[j] {
				t.Errorf("test %d (%q) config %d:\n got %+v\nwant %+v", i, tc.input, j, got[j], tc.want[j])
			}
		}
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "dnstap /tmp/none.sock full\ndnstap tcp://127.0.0.1:1 {\nidentity x\n}")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	c = caddy.NewTestController("dns", "dnstap tcp://nope")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/dnstap") || !strings.Contains(err.Error(), "Testfile:1") {
		t.Fatalf("setup error %v, want one naming the plugin, file and line", err)
	}
}
