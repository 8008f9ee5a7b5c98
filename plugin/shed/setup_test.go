package shed

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input string
		err   string // what the error must contain; "" for none
	}{
		{input: "shed"},
		{input: "shed\n"},
		// Errors name the plugin, the file and the line.
		{input: "shed now", err: `plugin/shed: Testfile:1 - Error during parsing: shed takes no arguments, got "now"`},
		{input: "shed 1024 4096", err: `Testfile:1 - Error during parsing: shed takes no arguments, got "1024"`},
		{input: "shed {\n}", err: "plugin/shed: Testfile:1 - Error during parsing: shed takes no block"},
		{input: "shed {\n\tsize 10\n}", err: "plugin/shed: Testfile:1 - Error during parsing: shed takes no block"},
		{input: "shed\nshed", err: "plugin/shed: Testfile:2 - Error during parsing: this plugin can only be used once per Server Block"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		cfg := dnsserver.GetConfig(c)
		if cfg.UDPDecorateWriterFunc == nil {
			t.Errorf("%q: no UDP writer decorator", tc.input)
		}
		if len(cfg.Plugin) != 1 {
			t.Fatalf("%q: %d plugins added, want 1", tc.input, len(cfg.Plugin))
		}
		h, ok := cfg.Plugin[0](nil).(*Shed)
		if !ok {
			t.Fatalf("%q: handler is %T, want *Shed", tc.input, cfg.Plugin[0](nil))
		}
		if h.Name() != "shed" || h.reg != registryFor(c) {
			t.Errorf("%q: handler %q does not use the instance's registry", tc.input, h.Name())
		}
	}
}

// TestRegistryPerInstance checks that the server blocks of one instance
// share a registry and that another instance gets its own.
func TestRegistryPerInstance(t *testing.T) {
	c := caddy.NewTestController("dns", "shed")
	r := registryFor(c)
	if registryFor(c) != r {
		t.Error("a second server block got another registry")
	}
	if registryFor(caddy.NewTestController("dns", "shed")) == r {
		t.Error("another instance shares the registry")
	}
}
