package metrics

import (
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"

	"github.com/prometheus/client_golang/prometheus"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input     string
		keys      []string
		wantAddr  string
		wantZones []string
		wantErr   string // substring; "" means no error
	}{
		{input: `prometheus`, wantAddr: "localhost:9153", wantZones: []string{}},
		{input: `prometheus localhost:53`, wantAddr: "localhost:53", wantZones: []string{}},
		{input: `prometheus :9253`, wantAddr: ":9253", wantZones: []string{}},
		{input: `prometheus [::1]:9153`, wantAddr: "[::1]:9153", wantZones: []string{}},
		{
			input:     `prometheus 127.0.0.1:0`,
			keys:      []string{"dns://example.org.:53", "dns://Example.NET.:53"},
			wantAddr:  "127.0.0.1:0",
			wantZones: []string{"example.net.", "example.org."},
		},
		{
			input:     `prometheus`,
			keys:      []string{"dns://10.0.0.0/15:53"},
			wantAddr:  "localhost:9153",
			wantZones: []string{"0.10.in-addr.arpa.", "1.10.in-addr.arpa."},
		},
		{input: `prometheus localhost`, wantErr: "invalid address"},
		{input: `prometheus foo:bar:baz`, wantErr: "invalid address"},
		{input: `prometheus localhost:9153 extra`, wantErr: "Wrong argument count"},
		{input: "prometheus\nprometheus :9254", wantErr: plugin.ErrOnce.Error()},
		{input: "prometheus :9153 {\n  path /x\n}", wantErr: "unknown property"},
	}
	for i, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = tc.keys
		m, err := parse(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("test %d (%q): want error containing %q, got %v", i, tc.input, tc.wantErr, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("test %d (%q): unexpected error %v", i, tc.input, err)
			continue
		}
		if m.Addr != tc.wantAddr {
			t.Errorf("test %d: addr %q, want %q", i, m.Addr, tc.wantAddr)
		}
		if got := m.ZoneNames(); !reflect.DeepEqual(got, tc.wantZones) {
			t.Errorf("test %d: zones %v, want %v", i, got, tc.wantZones)
		}
		if m.Reg != defaultRegistry() {
			t.Errorf("test %d: not the default registry", i)
		}
	}
}

// TestSetupErrors checks that setup names the plugin, file and line.
func TestSetupErrors(t *testing.T) {
	c := caddy.NewTestController("dns", "prometheus localhost")
	err := setup(c)
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, want := range []string{"plugin/prometheus", "Testfile:1", "missing port"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if err := setup(caddy.NewTestController("dns", "prometheus\nprometheus")); err == nil || !strings.Contains(err.Error(), plugin.ErrOnce.Error()) {
		t.Errorf("want ErrOnce, got %v", err)
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "prometheus 127.0.0.1:0")
	c.ServerBlockKeys = []string{"dns://example.org.:53"}
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	// The build info is set as soon as the plugin is configured.
	if v, ok := sample(t, "coredns_build_info", nil); !ok || v != 1 {
		t.Errorf("coredns_build_info = %v (present %v), want 1", v, ok)
	}
}

func TestMustRegister(t *testing.T) {
	m := New("127.0.0.1:0")
	m.Reg = prometheus.NewRegistry()
	opts := prometheus.CounterOpts{Name: "test_must_register_total", Help: "test"}
	first := prometheus.NewCounter(opts)
	m.MustRegister(first)
	m.MustRegister(prometheus.NewCounter(opts)) // already registered: ignored
	// Same name, different labels: refused by the registry, logged, no panic.
	m.MustRegister(prometheus.NewCounterVec(opts, []string{"x"}))
	first.Add(3)

	mfs, err := m.Reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(mfs) != 1 || mfs[0].GetName() != "test_must_register_total" || mfs[0].GetMetric()[0].GetCounter().GetValue() != 3 {
		t.Errorf("unexpected registry contents: %v", mfs)
	}
}
