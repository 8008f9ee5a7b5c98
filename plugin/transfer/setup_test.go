package transfer

import (
	"strings"
	"testing"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input   string
		keys    []string
		err     string
		zones   [][]string
		to      [][]string
		notifys [][]string
	}{
		{input: "transfer example.org {\n to *\n}",
			zones: [][]string{{"example.org."}}, to: [][]string{{"*"}}, notifys: [][]string{nil}},
		{input: "transfer {\n to 10.1.1.1 [2001:db8::1]:5300 10.0.0.0/8\n}", keys: []string{"example.net"},
			zones: [][]string{{"example.net."}}, to: [][]string{{"10.1.1.1:53", "[2001:db8::1]:5300", "10.0.0.0/8"}},
			notifys: [][]string{{"10.1.1.1:53", "[2001:db8::1]:5300"}}},
		{input: "transfer a.org b.org {\n to 10.1.1.1\n to 10.1.1.2:54\n}\ntransfer c.org {\n to *\n}",
			zones: [][]string{{"a.org.", "b.org."}, {"c.org."}}, to: [][]string{{"10.1.1.1:53", "10.1.1.2:54"}, {"*"}},
			notifys: [][]string{{"10.1.1.1:53", "10.1.1.2:54"}, nil}},
		{input: `transfer example.org`, err: "'to' is required"},
		{input: "transfer example.org {\n to\n}", err: "Wrong argument count"},
		{input: "transfer example.org {\n to host.example.com\n}", err: "must specify an IP address"},
		{input: "transfer example.org {\n to 10.0.0.0/33\n}", err: "netip.ParsePrefix"},
		{input: "transfer example.org {\n to 10.1.1.1:99999\n}", err: "invalid port"},
		{input: "transfer example.org {\n from 10.1.1.1\n}", err: "unknown property 'from'"},
	}
	for _, tc := range tests {
		t.Run(tc.input, func(t *testing.T) {
			c := caddy.NewTestController("dns", tc.input)
			c.ServerBlockKeys = tc.keys
			tr, err := parseTransfer(c)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				if !strings.Contains(err.Error(), "Testfile:") {
					t.Errorf("error %q does not name the file and line", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.xfrs) != len(tc.zones) {
				t.Fatalf("%d stanzas, want %d", len(tr.xfrs), len(tc.zones))
			}
			for i, x := range tr.xfrs {
				if !equal(x.Zones, tc.zones[i]) || !equal(x.to, tc.to[i]) || !equal(x.notifys, tc.notifys[i]) {
					t.Errorf("stanza %d: zones %v to %v notify %v; want %v %v %v", i, x.Zones, x.to, x.notifys, tc.zones[i], tc.to[i], tc.notifys[i])
				}
			}
		})
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "transfer example.org {\n to *\n}")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	c = caddy.NewTestController("dns", "transfer example.org {\n bogus\n}")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "plugin/transfer") {
		t.Errorf("error %v does not name the plugin", err)
	}
}

func TestAllowed(t *testing.T) {
	x := &xfr{}
	for _, a := range []string{"10.1.1.1", "192.0.2.0/24", "[2001:db8::1]:53"} {
		if err := x.addTo(a); err != nil {
			t.Fatal(err)
		}
	}
	for ip, want := range map[string]bool{
		"10.1.1.1": true, "10.1.1.2": false, "192.0.2.200": true, "2001:db8::1": true,
		"2001:db8::2": false, "::ffff:10.1.1.1": true, "bogus": false,
	} {
		if got := x.allowed(ip); got != want {
			t.Errorf("allowed(%s) = %v, want %v", ip, got, want)
		}
	}
}
