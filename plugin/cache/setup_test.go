package cache

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "cache 30")
	c.ServerBlockKeys = []string{"example.org.:53"}
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 1 {
		t.Errorf("%d plugins added, want 1", n)
	}
	if err := setup(caddy.NewTestController("dns", "cache 0")); err == nil || !strings.Contains(err.Error(), "plugin/cache") {
		t.Errorf("setup error %v does not name the plugin", err)
	}
}

// settings is what parse sets, for comparison.
type settings struct {
	zones            []string
	allZones         bool
	zonesLabel       string
	pcap, ncap       int
	pttl, minpttl    time.Duration
	nttl, minnttl    time.Duration
	failttl          time.Duration
	pexcept, nexcept []string
	prefetch         int
	duration         time.Duration
	percentage       int
	staleUpTo        time.Duration
	verifyStale      bool
	keepttl          bool
}

func settingsOf(c *Cache) settings {
	return settings{
		zones: c.Zones, allZones: c.allZones, zonesLabel: c.zonesLabel,
		pcap: c.pcap, ncap: c.ncap,
		pttl: c.pttl, minpttl: c.minpttl, nttl: c.nttl, minnttl: c.minnttl,
		failttl: c.failttl, pexcept: c.pexcept, nexcept: c.nexcept,
		prefetch: c.prefetch, duration: c.duration, percentage: c.percentage,
		staleUpTo: c.staleUpTo, verifyStale: c.verifyStale, keepttl: c.keepttl,
	}
}

func equalSettings(a, b settings) bool {
	return slices.Equal(a.zones, b.zones) && a.allZones == b.allZones && a.zonesLabel == b.zonesLabel &&
		a.pcap == b.pcap && a.ncap == b.ncap && a.pttl == b.pttl && a.minpttl == b.minpttl &&
		a.nttl == b.nttl && a.minnttl == b.minnttl && a.failttl == b.failttl &&
		slices.Equal(a.pexcept, b.pexcept) && slices.Equal(a.nexcept, b.nexcept) &&
		a.prefetch == b.prefetch && a.duration == b.duration && a.percentage == b.percentage &&
		a.staleUpTo == b.staleUpTo && a.verifyStale == b.verifyStale && a.keepttl == b.keepttl
}

// defaults are the settings of a bare "cache" in a root server block.
var defaults = settings{
	zones: []string{"."}, allZones: true, zonesLabel: ".",
	pcap: 9984, ncap: 9984,
	pttl: time.Hour, minpttl: 5 * time.Second, nttl: 30 * time.Minute, minnttl: 5 * time.Second,
	failttl: 5 * time.Second, duration: time.Minute, percentage: 10,
}

func with(f func(s *settings)) settings {
	s := defaults
	f(&s)
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		input string
		keys  []string // server block keys; ".:53" when nil
		want  settings
	}{
		{"cache", nil, defaults},
		{"cache {\n}", nil, defaults},
		{"cache 300", nil, with(func(s *settings) { s.pttl, s.nttl = 300*time.Second, 300*time.Second })},
		{"cache example.org", nil, with(func(s *settings) {
			s.zones, s.allZones, s.zonesLabel = []string{"example.org."}, false, "example.org."
		})},
		{"cache", []string{"example.org.:53", "Example.NET:53"}, with(func(s *settings) {
			s.zones, s.allZones, s.zonesLabel = []string{"example.org.", "example.net."}, false, "example.org.,example.net."
		})},
		{"cache 10 example.org 10.0.0.0/8", nil, with(func(s *settings) {
			s.pttl, s.nttl = 10*time.Second, 10*time.Second
			s.zones, s.allZones = []string{"example.org.", "10.in-addr.arpa."}, false
			s.zonesLabel = "example.org.,10.in-addr.arpa."
		})},
		{"cache 120 {\n denial 100 30\n}", nil, with(func(s *settings) {
			s.pttl, s.nttl, s.ncap = 120*time.Second, 30*time.Second, 100
		})},
		{"cache {\n success 5000\n}", nil, with(func(s *settings) { s.pcap = 5000 })},
		{"cache {\n success 5000 600\n}", nil, with(func(s *settings) { s.pcap, s.pttl = 5000, 600*time.Second })},
		{"cache {\n success 5000 600 30\n}", nil, with(func(s *settings) {
			s.pcap, s.pttl, s.minpttl = 5000, 600*time.Second, 30*time.Second
		})},
		{"cache {\n denial 2500 60 0\n}", nil, with(func(s *settings) {
			s.ncap, s.nttl, s.minnttl = 2500, 60*time.Second, 0
		})},
		{"cache {\n prefetch 10\n}", nil, with(func(s *settings) { s.prefetch = 10 })},
		{"cache {\n prefetch 2 10m\n}", nil, with(func(s *settings) { s.prefetch, s.duration = 2, 10*time.Minute })},
		{"cache {\n prefetch 2 10m 50%\n}", nil, with(func(s *settings) {
			s.prefetch, s.duration, s.percentage = 2, 10*time.Minute, 50
		})},
		{"cache {\n serve_stale\n}", nil, with(func(s *settings) { s.staleUpTo = time.Hour })},
		{"cache {\n serve_stale 20m\n}", nil, with(func(s *settings) { s.staleUpTo = 20 * time.Minute })},
		{"cache {\n serve_stale 20m immediate\n}", nil, with(func(s *settings) { s.staleUpTo = 20 * time.Minute })},
		{"cache {\n serve_stale 1h VERIFY\n}", nil, with(func(s *settings) { s.staleUpTo, s.verifyStale = time.Hour, true })},
		{"cache {\n serve_stale 0s\n}", nil, defaults},
		{"cache {\n servfail 0\n}", nil, with(func(s *settings) { s.failttl = 0 })},
		{"cache {\n servfail 5m\n}", nil, with(func(s *settings) { s.failttl = 5 * time.Minute })},
		{"cache {\n disable success\n}", nil, with(func(s *settings) { s.pexcept = []string{"."} })},
		{"cache {\n disable denial Example.org example.net.\n}", nil, with(func(s *settings) {
			s.nexcept = []string{"example.org.", "example.net."}
		})},
		{"cache {\n keepttl\n}", nil, with(func(s *settings) { s.keepttl = true })},
		{`cache 30 {
			success 1024 60 10
			denial 1024 20 2
			prefetch 3 30s 20%
			serve_stale 30m verify
			servfail 10s
			disable success a.example
			disable denial b.example
			keepttl
		}`, nil, settings{
			zones: []string{"."}, allZones: true, zonesLabel: ".",
			pcap: 1024, ncap: 1024,
			pttl: time.Minute, minpttl: 10 * time.Second, nttl: 20 * time.Second, minnttl: 2 * time.Second,
			failttl: 10 * time.Second, pexcept: []string{"a.example."}, nexcept: []string{"b.example."},
			prefetch: 3, duration: 30 * time.Second, percentage: 20,
			staleUpTo: 30 * time.Minute, verifyStale: true, keepttl: true,
		}},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = tc.keys
		if c.ServerBlockKeys == nil {
			c.ServerBlockKeys = []string{".:53"}
		}
		ca, err := parse(c)
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got := settingsOf(ca); !equalSettings(got, tc.want) {
			t.Errorf("%q:\ngot  %+v\nwant %+v", tc.input, got, tc.want)
		}
		if ca.pcache == nil || ca.ncache == nil {
			t.Errorf("%q: caches not created", tc.input)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input string
		err   string
	}{
		{"cache 0", "cache TTL can not be zero or negative: 0"},
		{"cache -10", "cache TTL can not be zero or negative: -10"},
		{"cache example..org", "invalid zone"},
		{"cache\ncache", "only be used once"},
		{"cache {\n success\n}", "Wrong argument count"},
		{"cache {\n success 1 2 3 4\n}", "Wrong argument count"},
		{"cache {\n success many\n}", `invalid capacity "many"`},
		{"cache {\n success -1\n}", `invalid capacity "-1"`},
		{"cache {\n success 100 long\n}", `invalid TTL "long"`},
		{"cache {\n success 100 0\n}", "cache TTL can not be zero or negative: 0"},
		{"cache {\n denial 100 -5\n}", "cache TTL can not be zero or negative: -5"},
		{"cache {\n denial 100 10 short\n}", `invalid minimum TTL "short"`},
		{"cache {\n denial 100 10 -1\n}", "cache min TTL can not be negative: -1"},
		{"cache {\n prefetch\n}", "Wrong argument count"},
		{"cache {\n prefetch 1 1m 10% more\n}", "Wrong argument count"},
		{"cache {\n prefetch lots\n}", `invalid prefetch amount "lots"`},
		{"cache {\n prefetch -1\n}", "prefetch amount should be positive: -1"},
		{"cache {\n prefetch 1 soon\n}", `invalid prefetch duration "soon"`},
		{"cache {\n prefetch 1 0s\n}", "prefetch duration should be positive"},
		{"cache {\n prefetch 1 1m 10\n}", "last character of percentage should be `%`"},
		{"cache {\n prefetch 1 1m ten%\n}", `invalid percentage "ten%"`},
		{"cache {\n prefetch 1 1m 9%\n}", "percentage should fall in range [10, 90]: 9"},
		{"cache {\n prefetch 1 1m 91%\n}", "percentage should fall in range [10, 90]: 91"},
		{"cache {\n serve_stale 1h verify now\n}", "Wrong argument count"},
		{"cache {\n serve_stale forever\n}", `invalid serve_stale duration "forever"`},
		{"cache {\n serve_stale -1h\n}", "invalid negative duration for serve_stale"},
		{"cache {\n serve_stale 1h later\n}", "invalid value for serve_stale refresh mode: later"},
		{"cache {\n servfail\n}", "Wrong argument count"},
		{"cache {\n servfail 1s 2s\n}", "Wrong argument count"},
		{"cache {\n servfail often\n}", `invalid servfail duration "often"`},
		{"cache {\n servfail -1s\n}", "invalid negative ttl for servfail"},
		{"cache {\n servfail 6m\n}", "caching SERVFAIL responses over 5m0s is not permitted"},
		{"cache {\n disable\n}", "Wrong argument count"},
		{"cache {\n disable errors\n}", `cache type for disable must be "success" or "denial"`},
		{"cache {\n disable success example..org\n}", "invalid disabled zone: example..org"},
		{"cache {\n keepttl forever\n}", "Wrong argument count"},
		{"cache {\n negative 100\n}", `unknown property "negative"`},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.ServerBlockKeys = []string{".:53"}
		_, err := parse(c)
		if err == nil {
			t.Errorf("%q: expected an error containing %q", tc.input, tc.err)
			continue
		}
		if !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %q does not contain %q", tc.input, err, tc.err)
		}
		if tc.err != "only be used once" && !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q does not name the file and line", tc.input, err)
		}
	}
}
