package dnsserver

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/caddy/caddyfile"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"
)

// inspect runs InspectServerBlocks on blocks given as key lists.
func inspect(t *testing.T, blocks ...[]string) (*dnsContext, []caddyfile.ServerBlock, error) {
	t.Helper()
	h := newContext(nil).(*dnsContext)
	sbs := make([]caddyfile.ServerBlock, len(blocks))
	for i, keys := range blocks {
		sbs[i] = caddyfile.ServerBlock{Keys: keys}
	}
	out, err := h.InspectServerBlocks("Testfile", sbs)
	return h, out, err
}

func TestInspectServerBlocksKeys(t *testing.T) {
	h, sbs, err := inspect(t,
		[]string{"Example.ORG", "example.net:1053"},
		[]string{"dns://.:1053"},
		[]string{"10.0.0.0/15", "fd00::/8"},
		[]string{"tls://example.com"},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"dns://example.org.:53", "dns://example.net.:1053"},
		{"dns://.:1053"},
		{"dns://0.10.in-addr.arpa.:53", "dns://1.10.in-addr.arpa.:53", "dns://d.f.ip6.arpa.:53"},
		{"tls://example.com.:853"},
	}
	for i := range want {
		if !slices.Equal(sbs[i].Keys, want[i]) {
			t.Errorf("block %d keys = %v, want %v", i, sbs[i].Keys, want[i])
		}
	}

	// One config per (expanded) key, reachable by block and key index.
	if len(h.configs) != 7 {
		t.Fatalf("made %d configs, want 7", len(h.configs))
	}
	checks := []struct {
		block, key            int
		zone, port, transport string
	}{
		{0, 0, "example.org.", "53", "dns"},
		{0, 1, "example.net.", "1053", "dns"},
		{1, 0, ".", "1053", "dns"},
		{2, 0, "0.10.in-addr.arpa.", "53", "dns"},
		{2, 1, "1.10.in-addr.arpa.", "53", "dns"},
		{2, 2, "d.f.ip6.arpa.", "53", "dns"},
		{3, 0, "example.com.", "853", "tls"},
	}
	for _, c := range checks {
		cfg := h.keysToConfigs[keyForConfig(c.block, c.key)]
		if cfg == nil {
			t.Errorf("no config for block %d key %d", c.block, c.key)
			continue
		}
		if cfg.Zone != c.zone || cfg.Port != c.port || cfg.Transport != c.transport {
			t.Errorf("config %d:%d = %s %s %s; want %s %s %s", c.block, c.key, cfg.Zone, cfg.Port, cfg.Transport, c.zone, c.port, c.transport)
		}
		if !slices.Equal(cfg.ListenHosts, []string{""}) {
			t.Errorf("config %d:%d ListenHosts = %q, want all interfaces", c.block, c.key, cfg.ListenHosts)
		}
		first := h.keysToConfigs[keyForConfig(c.block, 0)]
		if cfg.firstConfigInBlock != first {
			t.Errorf("config %d:%d does not point at its block's first config", c.block, c.key)
		}
	}
}

func TestInspectServerBlocksErrors(t *testing.T) {
	tests := []struct {
		keys []string
		err  string
	}{
		{[]string{"example.org:99999"}, `invalid server block key "example.org:99999"`},
		{[]string{"10.0.0.0/33"}, `invalid CIDR "10.0.0.0/33"`},
		{[]string{"unix://example.org"}, `unsupported transport "unix"`},
		{[]string{"bogus://example.org"}, `"bogus://example.org"`},
		{[]string{"example.org", "example.net:x"}, `invalid port "x"`},
	}
	for _, tc := range tests {
		_, _, err := inspect(t, tc.keys)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("keys %v: error %v, want it to contain %q", tc.keys, err, tc.err)
		}
	}
}

func noop(next plugin.Handler) plugin.Handler { return tagHandler("noop") }

// makeServers inspects blocks, lets setup change each config, and makes the
// servers.
func makeServers(t *testing.T, setup func(h *dnsContext), blocks ...[]string) ([]*Server, error) {
	t.Helper()
	h, _, err := inspect(t, blocks...)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.configs {
		c.Plugin = []plugin.Plugin{noop}
	}
	if setup != nil {
		setup(h)
	}
	srvs, err := h.MakeServers()
	if err != nil {
		return nil, err
	}
	out := make([]*Server, len(srvs))
	for i, s := range srvs {
		out[i] = s.(*Server)
	}
	return out, nil
}

func zonesOf(s *Server) []string {
	var zs []string
	for z := range s.zones {
		zs = append(zs, z)
	}
	slices.Sort(zs)
	return zs
}

func TestMakeServersGrouping(t *testing.T) {
	srvs, err := makeServers(t, nil,
		[]string{"example.org", "example.net"},
		[]string{"example.com:1053"},
		[]string{"sub.example.org"},
		[]string{"example.org:1053"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(srvs) != 2 {
		t.Fatalf("made %d servers, want 2 (one per port)", len(srvs))
	}
	if srvs[0].Addr != "dns://:53" || srvs[1].Addr != "dns://:1053" {
		t.Errorf("addresses %q, %q; want dns://:53 then dns://:1053", srvs[0].Addr, srvs[1].Addr)
	}
	if got := zonesOf(srvs[0]); !slices.Equal(got, []string{"example.net.", "example.org.", "sub.example.org."}) {
		t.Errorf("port 53 zones = %v", got)
	}
	if got := zonesOf(srvs[1]); !slices.Equal(got, []string{"example.com.", "example.org."}) {
		t.Errorf("port 1053 zones = %v", got)
	}
}

func TestMakeServersListenHosts(t *testing.T) {
	srvs, err := makeServers(t, func(h *dnsContext) {
		h.configs[0].ListenHosts = []string{"127.0.0.1", "::1"}
		h.configs[1].ListenHosts = []string{"127.0.0.2"}
	},
		[]string{"example.org"},
		[]string{"example.org"}, // same zone and port, other address: allowed
	)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, s := range srvs {
		addrs = append(addrs, s.Addr)
	}
	want := []string{"dns://127.0.0.1:53", "dns://[::1]:53", "dns://127.0.0.2:53"}
	if !slices.Equal(addrs, want) {
		t.Errorf("addresses %v, want %v", addrs, want)
	}
}

func TestMakeServersDuplicates(t *testing.T) {
	tests := []struct {
		name   string
		blocks [][]string
		err    string
	}{
		{"same zone twice", [][]string{{"example.org"}, {"example.org"}}, "cannot serve dns://example.org.:53 - it is already defined"},
		{"case and dot", [][]string{{"Example.ORG."}, {"example.org:53"}}, "cannot serve dns://example.org.:53 - it is already defined"},
		{"one block", [][]string{{"example.org", "example.org"}}, "cannot serve dns://example.org.:53 - it is already defined"},
		{"root", [][]string{{".:1053"}, {"dns://.:1053"}}, "cannot serve dns://.:1053 - it is already defined"},
		{"cidr and name", [][]string{{"10.0.0.0/8"}, {"10.in-addr.arpa"}}, "cannot serve dns://10.in-addr.arpa.:53 - it is already defined"},
		{"split cidr", [][]string{{"10.0.0.0/15"}, {"1.10.in-addr.arpa"}}, "cannot serve dns://1.10.in-addr.arpa.:53 - it is already defined"},
	}
	for _, tc := range tests {
		_, err := makeServers(t, nil, tc.blocks...)
		if err == nil || err.Error() != "Testfile - "+tc.err {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}

	// Different ports are no duplicates.
	if _, err := makeServers(t, nil, []string{"example.org:53"}, []string{"example.org:1053"}); err != nil {
		t.Errorf("same zone on two ports: %v", err)
	}
}

func TestMakeServersViewsMayShareAZone(t *testing.T) {
	filter := func(context.Context, *request.Request) bool { return true }
	srvs, err := makeServers(t, func(h *dnsContext) {
		h.configs[1].FilterFuncs = []FilterFunc{filter}
		h.configs[1].ViewName = "v"
	},
		[]string{"example.org"},
		[]string{"example.org"},
	)
	if err != nil {
		t.Fatal(err)
	}
	cfgs := srvs[0].zones["example.org."]
	if len(cfgs) != 2 || len(cfgs[0].FilterFuncs) == 0 || len(cfgs[1].FilterFuncs) != 0 {
		t.Errorf("configs of example.org.: want the filtered one first, then the unfiltered one")
	}

	// Two unfiltered blocks next to a view are still a duplicate.
	_, err = makeServers(t, func(h *dnsContext) {
		h.configs[0].FilterFuncs = []FilterFunc{filter}
	},
		[]string{"example.org"}, []string{"example.org"}, []string{"example.org"},
	)
	if err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("two unfiltered blocks and a view: error %v", err)
	}
}

func TestMakeServersPropagatesFirstConfig(t *testing.T) {
	srvs, err := makeServers(t, func(h *dnsContext) {
		first := h.configs[0]
		first.ListenHosts = []string{"127.0.0.1"}
		first.Root = "/srv"
		first.Debug = true
		// Setup functions also ran for the other keys; what they wrote there
		// is replaced by the first key's config.
		h.configs[1].Root = "/elsewhere"
	}, []string{"example.org", "example.net:1053"})
	if err != nil {
		t.Fatal(err)
	}
	if len(srvs) != 2 || srvs[0].Addr != "dns://127.0.0.1:53" || srvs[1].Addr != "dns://127.0.0.1:1053" {
		t.Fatalf("servers %v; want both keys bound to 127.0.0.1", srvs)
	}
	second := srvs[1].zones["example.net."][0]
	if second.Zone != "example.net." || second.Port != "1053" || second.Root != "/srv" || !second.Debug {
		t.Errorf("second key config: zone %s port %s root %s debug %v", second.Zone, second.Port, second.Root, second.Debug)
	}
	if !srvs[1].debug {
		t.Error("server of the second key is not in debug mode")
	}
	if second.pluginChain == nil {
		t.Error("second key has no plugin chain")
	}
	// Reset the global debug logging the Debug flag switched on.
	if _, err := NewServer("dns://:53", nil); err != nil {
		t.Fatal(err)
	}
}

func TestGetConfig(t *testing.T) {
	c := caddy.NewTestController("dns", "whoami")
	cfg := GetConfig(c)
	if cfg == nil || !slices.Equal(cfg.ListenHosts, []string{""}) {
		t.Fatalf("GetConfig() = %+v, want a fresh config on all interfaces", cfg)
	}
	if GetConfig(c) != cfg {
		t.Error("GetConfig() returned a different config for the same controller")
	}
	cfg.AddPlugin(noop)
	if len(GetConfig(c).Plugin) != 1 {
		t.Error("AddPlugin did not add to the controller's config")
	}
}

func TestAddPluginToAllServerBlocks(t *testing.T) {
	c := caddy.NewTestController("dns", "")
	h := c.Context().(*dnsContext)
	sbs := []caddyfile.ServerBlock{{Keys: []string{"example.org", "example.net"}}, {Keys: []string{"example.com"}}}
	if _, err := h.InspectServerBlocks("Testfile", sbs); err != nil {
		t.Fatal(err)
	}
	AddPluginToAllServerBlocks(c, noop)
	// Only each block's first config gets it; MakeServers copies it to the rest.
	for i, cfg := range h.configs {
		want := 0
		if cfg.firstConfigInBlock == cfg {
			want = 1
		}
		if len(cfg.Plugin) != want {
			t.Errorf("config %d (%s) has %d plugins, want %d", i, cfg.Zone, len(cfg.Plugin), want)
		}
	}
	srvs, err := h.MakeServers()
	if err != nil {
		t.Fatal(err)
	}
	for z, cfgs := range srvs[0].(*Server).zones {
		if cfgs[0].pluginChain == nil {
			t.Errorf("zone %s has no chain", z)
		}
	}
}

func TestHandlerRegistry(t *testing.T) {
	cfg := &Config{Zone: "example.org.", Plugin: []plugin.Plugin{
		func(next plugin.Handler) plugin.Handler { return namedHandler{"first", next} },
		func(next plugin.Handler) plugin.Handler { return namedHandler{"second", next} },
	}}
	if cfg.Handler("first") != nil {
		t.Error("Handler() before the chain was built is not nil")
	}
	if _, err := NewServer("dns://:53", []*Config{cfg}); err != nil {
		t.Fatal(err)
	}
	if h := cfg.Handler("second"); h == nil || h.Name() != "second" {
		t.Errorf("Handler(second) = %v", h)
	}
	if cfg.Handler("nope") != nil {
		t.Error("Handler(nope) is not nil")
	}
	var names []string
	for _, h := range cfg.Handlers() {
		names = append(names, h.Name())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"first", "second"}) {
		t.Errorf("Handlers() = %v", names)
	}
	// The chain runs in the order the plugins were added.
	if cfg.pluginChain.Name() != "first" || cfg.pluginChain.(namedHandler).next.Name() != "second" {
		t.Error("chain is not first -> second")
	}
}
