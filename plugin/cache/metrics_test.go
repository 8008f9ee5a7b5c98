package cache

import (
	"context"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestMetrics checks every cache metric for one server and view.
func TestMetrics(t *testing.T) {
	b := newBackend()
	b.done = make(chan struct{}, 16)
	b.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleAt("192.0.2.1", 10), nil))
	b.set("void.example.org.", dns.TypeA, answer(dns.RcodeNameError, nil, exampleSOA))
	b.set("other.example.org.", dns.TypeA, func(r *dns.Msg) *dns.Msg {
		m := answer(dns.RcodeSuccess, appleA, nil)(r)
		m.Question[0].Name = "apple.example.org."
		return m
	})
	ca, clk := newTestCache(t, "cache 3600 example.org example.net {\n prefetch 1\n serve_stale\n}", b)

	srv := &dnsserver.Server{Addr: "dns://127.0.0.1:5301"}
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, srv)
	ctx = context.WithValue(ctx, dnsserver.ViewKey{}, "inner")
	serve := func(name string) {
		t.Helper()
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := ca.ServeDNS(ctx, rec, query(name, dns.TypeA)); err != nil {
			t.Fatal(err)
		}
	}

	const server, zones, view = "dns://127.0.0.1:5301", "example.org.,example.net.", "inner"
	tests := []struct {
		name   string
		metric prometheus.Metric
		want   float64
		gauge  bool // the current state, not a count that grows
	}{
		{"requests", cacheRequests.WithLabelValues(server, zones, view), 7, false},
		{"misses", cacheMisses.WithLabelValues(server, zones, view), 3, false},
		{"hits success", cacheHits.WithLabelValues(server, typeSuccess, zones, view), 3, false},
		{"hits denial", cacheHits.WithLabelValues(server, typeDenial, zones, view), 1, false},
		{"drops", cacheDrops.WithLabelValues(server, zones, view), 1, false},
		{"prefetch", cachePrefetches.WithLabelValues(server, zones, view), 2, false},
		{"served stale", servedStale.WithLabelValues(server, zones, view), 1, false},
		{"entries success", cacheSize.WithLabelValues(server, typeSuccess, zones, view), 1, true},
		{"entries denial", cacheSize.WithLabelValues(server, typeDenial, zones, view), 1, true},
		{"evictions success", evictions.WithLabelValues(server, typeSuccess, zones, view), 0, false},
	}
	// The counters are global and keep counting across runs (-count): check
	// what this test adds to them.
	before := make([]float64, len(tests))
	for i, tc := range tests {
		if !tc.gauge {
			before[i] = value(tc.metric)
		}
	}

	serve("apple.example.org.") // miss
	waitDone(t, b, 1)
	serve("apple.example.org.") // hit
	serve("void.example.org.")  // miss
	waitDone(t, b, 1)
	serve("void.example.org.")  // hit
	serve("other.example.org.") // miss, dropped
	waitDone(t, b, 1)
	clk.advance(9500 * 1e6) // 9.5s: 1s left of 10, prefetch
	serve("apple.example.org.")
	waitDone(t, b, 1)
	clk.advance(20 * 1e9) // expired: served stale, refreshed
	serve("apple.example.org.")
	waitDone(t, b, 1)
	waitIdle(t, ca)

	for i, tc := range tests {
		if got := value(tc.metric) - before[i]; got != tc.want {
			t.Errorf("%s = %v (%v before), want %v", tc.name, got, before[i], tc.want)
		}
	}
}

// TestEvictions fills a tiny cache past its capacity.
func TestEvictions(t *testing.T) {
	b := newBackend()
	ca, _ := newTestCache(t, "cache {\n success 1\n}", b) // 4 per shard
	// Other tests and earlier runs (-count) evict under the same labels.
	before := value(evictions.WithLabelValues("", typeSuccess, ".", ""))
	names := make([]string, 0, 2000)
	for i := range 2000 {
		name := dns.Fqdn(string(rune('a'+i%26)) + itoa(i) + ".example.org")
		b.set(name, dns.TypeA, answer(dns.RcodeSuccess, []dns.RR{test.A(name + " 60 IN A 192.0.2.1")}, nil))
		names = append(names, name)
	}
	for _, n := range names {
		ask(t, ca, query(n, dns.TypeA))
	}
	if l := ca.pcache.Len(); l > 1024 {
		t.Errorf("%d entries, want at most 1024", l)
	}
	got := value(evictions.WithLabelValues("", typeSuccess, ".", "")) - before
	if got < float64(2000-1024) {
		t.Errorf("evictions = %v, want at least %d", got, 2000-1024)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// value returns the current value of a counter or gauge.
func value(m prometheus.Metric) float64 {
	var out dto.Metric
	if err := m.Write(&out); err != nil {
		return -1
	}
	if c := out.GetCounter(); c != nil {
		return c.GetValue()
	}
	return out.GetGauge().GetValue()
}
