package test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// clusterMetrics are the lines of shared/api/metrics.txt for the server and
// the plugins of the cluster Corefile: name, type and label names, as
// CoreDNS 1.14.7 exports them.
const clusterMetrics = `
coredns_build_info gauge version revision goversion
coredns_cache_drops_total counter server zones view
coredns_cache_entries gauge server type zones view
coredns_cache_evictions_total counter server type zones view
coredns_cache_hits_total counter server type zones view
coredns_cache_misses_total counter server zones view
coredns_cache_prefetch_total counter server zones view
coredns_cache_requests_total counter server zones view
coredns_cache_served_stale_total counter server zones view
coredns_dns_do_requests_total counter server zone view
coredns_dns_https3_responses_total counter server status
coredns_dns_https_responses_total counter server status
coredns_dns_quic_responses_total counter server status
coredns_dns_request_duration_seconds histogram server zone view
coredns_dns_request_size_bytes histogram server zone view proto
coredns_dns_requests_total counter server zone view proto family type
coredns_dns_response_size_bytes histogram server zone view proto
coredns_dns_responses_total counter server zone view rcode plugin
coredns_forward_healthcheck_broken_total counter
coredns_forward_max_concurrent_rejects_total counter
coredns_health_request_duration_seconds histogram
coredns_health_request_failures_total counter
coredns_panics_total counter
coredns_plugin_enabled gauge server zone view name
coredns_proxy_conn_cache_hits_total counter proxy_name to proto
coredns_proxy_conn_cache_misses_total counter proxy_name to proto
coredns_proxy_healthcheck_failures_total counter proxy_name to
coredns_proxy_request_duration_seconds histogram proxy_name to rcode
coredns_reload_failed_total counter
coredns_reload_version_info gauge hash value
`

// clusterPrefixes are the metric name prefixes clusterMetrics covers fully.
var clusterPrefixes = []string{"coredns_dns_", "coredns_forward_", "coredns_proxy_", "coredns_cache_", "coredns_reload_", "coredns_health_"}

type metricSpec struct {
	typ    dto.MetricType
	labels string // sorted, space separated
}

func clusterSpecs(t *testing.T) map[string]metricSpec {
	t.Helper()
	types := map[string]dto.MetricType{"counter": dto.MetricType_COUNTER, "gauge": dto.MetricType_GAUGE, "histogram": dto.MetricType_HISTOGRAM}
	specs := map[string]metricSpec{}
	for _, line := range strings.Split(strings.TrimSpace(clusterMetrics), "\n") {
		f := strings.Fields(line)
		labels := append([]string(nil), f[2:]...)
		sort.Strings(labels)
		specs[f[0]] = metricSpec{typ: types[f[1]], labels: strings.Join(labels, " ")}
	}
	return specs
}

// clusterCorefile is the Corefile every Kubernetes cluster runs, without
// kubernetes, forwarding to a second block that serves cluster.test.
func clusterCorefile(front, back int, healthAddr, readyAddr, metricsAddr string) string {
	return fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    errors
    health %s {
        lameduck 500ms
    }
    ready %s
    prometheus %s
    forward . 127.0.0.1:%d {
        max_concurrent 1000
    }
    cache 30
    loop
    reload 2s 0s
    loadbalance
}
cluster.test:%d {
    bind 127.0.0.1
    template IN A cluster.test {
        answer "{{ .Name }} 60 IN A 192.0.2.1"
        answer "{{ .Name }} 60 IN A 192.0.2.2"
        answer "{{ .Name }} 60 IN A 192.0.2.3"
    }
}
`, front, healthAddr, readyAddr, metricsAddr, back, back)
}

func TestClusterCorefile(t *testing.T) {
	front, back := forwardPorts(t)
	healthAddr, readyAddr, metricsAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	path := filepath.Join(t.TempDir(), "Corefile")
	corefile := clusterCorefile(front, back, healthAddr, readyAddr, metricsAddr)
	if err := os.WriteFile(path, []byte(corefile), 0o600); err != nil {
		t.Fatal(err)
	}
	startMu.Lock()
	caddy.Quiet, dnsserver.Quiet = true, true
	i, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), Filepath: path, ServerTypeName: "dns"})
	startMu.Unlock()
	if err != nil {
		t.Fatalf("could not start server: %v\n%s", err, corefile)
	}
	stopped := false
	defer func() {
		if !stopped {
			CoreDNSServerStop(i)
		}
	}()
	udp, tcp := CoreDNSServerPortsFor(i, front)

	// Answers: all three records, rotated by loadbalance, over both
	// transports, the second and later from the cache.
	firsts := map[string]bool{}
	for k := range 12 {
		network, addr := "udp", udp
		if k%2 == 1 {
			network, addr = "tcp", tcp
		}
		r, _ := clusterQuery(t, network, addr, "svc.cluster.test.", 2*time.Second)
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 3 {
			t.Fatalf("%s: want 3 A records, got\n%v", network, r)
		}
		got := []string{}
		for _, rr := range r.Answer {
			got = append(got, rr.(*dns.A).A.String())
		}
		firsts[got[0]] = true
		sort.Strings(got)
		if strings.Join(got, " ") != "192.0.2.1 192.0.2.2 192.0.2.3" {
			t.Errorf("%s: answer %v", network, got)
		}
		if ttl := r.Answer[0].Header().Ttl; ttl > 30 || ttl < 28 {
			t.Errorf("%s: TTL %d, want at most cache's 30", network, ttl)
		}
	}
	if len(firsts) < 2 {
		t.Errorf("loadbalance never rotated the records: first records %v", firsts)
	}

	// Later hits: the TTL counts down, and the question keeps the client's
	// case.
	time.Sleep(1100 * time.Millisecond)
	r, _ := clusterQuery(t, "udp", udp, "SvC.Cluster.TEST.", 2*time.Second)
	if len(r.Question) != 1 || r.Question[0].Name != "SvC.Cluster.TEST." {
		t.Errorf("question %v, want the client's case", r.Question)
	}
	if len(r.Answer) != 3 || r.Answer[0].Header().Ttl > 29 {
		t.Errorf("want 3 records with a TTL below 30 after a second, got\n%v", r)
	}

	expectReady(t, "http://"+readyAddr+"/ready", http.StatusOK, "OK")
	if s, b, err := httpGet("http://" + healthAddr + "/health"); err != nil || s != http.StatusOK || b != "OK" {
		t.Errorf("health: %d %q %v, want 200 OK", s, b, err)
	}

	checkClusterMetrics(t, metricsAddr, front, back)

	// Shutdown: health and DNS keep answering through the lameduck.
	stopped = true
	start := time.Now()
	done := make(chan time.Duration)
	go func() {
		CoreDNSServerStop(i)
		done <- time.Since(start)
	}()
	time.Sleep(200 * time.Millisecond)
	if s, _, err := httpGet("http://" + healthAddr + "/health"); err != nil || s != http.StatusOK {
		t.Errorf("health during lameduck: %d %v, want 200", s, err)
	}
	clusterQuery(t, "udp", udp, "svc.cluster.test.", 2*time.Second)
	select {
	case took := <-done:
		if took < 500*time.Millisecond {
			t.Errorf("shutdown took %v, less than the lameduck", took)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not finish")
	}
}

// checkClusterMetrics scrapes the cluster server's metrics and checks every
// family the cluster plugins export against metrics.txt, and the values a
// few queries must have left.
func checkClusterMetrics(t *testing.T, metricsAddr string, front, back int) {
	t.Helper()
	specs := clusterSpecs(t)
	var mfs map[string]*dto.MetricFamily
	// The health self check and the reload version show up within a second
	// or two.
	deadline := time.Now().Add(5 * time.Second)
	for {
		mfs = scrape(t, metricsAddr)
		if mfs["coredns_health_request_duration_seconds"] != nil && mfs["coredns_reload_version_info"] != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("health or reload metrics never exported")
		}
		time.Sleep(100 * time.Millisecond)
	}

	for name, mf := range mfs {
		covered := false
		for _, p := range clusterPrefixes {
			covered = covered || strings.HasPrefix(name, p)
		}
		spec, known := specs[name]
		if !known {
			if covered {
				t.Errorf("%s is not a CoreDNS metric", name)
			}
			continue
		}
		if mf.GetType() != spec.typ {
			t.Errorf("%s: type %s, want %s", name, mf.GetType(), spec.typ)
		}
		for _, m := range mf.GetMetric() {
			if got := labelNames(m); got != spec.labels {
				t.Errorf("%s: labels %q, want %q", name, got, spec.labels)
				break
			}
		}
	}

	server := fmt.Sprintf("dns://127.0.0.1:%d", front)
	to := fmt.Sprintf("127.0.0.1:%d", back)
	present := []struct {
		name   string
		labels map[string]string
	}{
		{"coredns_build_info", nil},
		{"coredns_panics_total", nil},
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": ".", "proto": "udp", "family": "1", "type": "A"}},
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": ".", "proto": "tcp", "family": "1", "type": "A"}},
		// loadbalance wraps the writer ahead of cache and forward, so the
		// responses are credited to it, as in CoreDNS.
		{"coredns_dns_responses_total", map[string]string{"server": server, "zone": ".", "rcode": "NOERROR", "plugin": "loadbalance"}},
		{"coredns_dns_request_duration_seconds", map[string]string{"server": server, "zone": "."}},
		{"coredns_dns_request_size_bytes", map[string]string{"server": server, "zone": ".", "proto": "udp"}},
		{"coredns_dns_response_size_bytes", map[string]string{"server": server, "zone": ".", "proto": "tcp"}},
		{"coredns_forward_healthcheck_broken_total", nil},
		{"coredns_forward_max_concurrent_rejects_total", nil},
		{"coredns_proxy_request_duration_seconds", map[string]string{"proxy_name": "forward", "to": to, "rcode": "NOERROR"}},
		{"coredns_proxy_conn_cache_misses_total", map[string]string{"proxy_name": "forward", "to": to}},
		{"coredns_cache_requests_total", map[string]string{"server": server, "zones": "."}},
		{"coredns_cache_hits_total", map[string]string{"server": server, "zones": ".", "type": "success"}},
		{"coredns_cache_misses_total", map[string]string{"server": server, "zones": "."}},
		{"coredns_cache_entries", map[string]string{"server": server, "zones": ".", "type": "success"}},
		{"coredns_cache_entries", map[string]string{"server": server, "zones": ".", "type": "denial"}},
		{"coredns_reload_failed_total", nil},
		{"coredns_reload_version_info", map[string]string{"hash": "sha512"}},
		{"coredns_health_request_duration_seconds", nil},
		{"coredns_health_request_failures_total", nil},
		{"go_goroutines", nil},
		{"process_start_time_seconds", nil},
	}
	for _, p := range present {
		if find(mfs[p.name], p.labels) == nil {
			t.Errorf("%s%v missing", p.name, p.labels)
		}
	}
	// Only plugins in the query chain count; health, ready and reload are not.
	for _, name := range []string{"errors", "prometheus", "forward", "cache", "loop", "loadbalance"} {
		m := find(mfs["coredns_plugin_enabled"], map[string]string{"server": server, "zone": ".", "name": name})
		if m == nil || m.GetGauge().GetValue() != 1 {
			t.Errorf("coredns_plugin_enabled{name=%q} = %v, want 1", name, m)
		}
	}
	// 13 queries, one answered by forward, the rest by the cache.
	hits := find(mfs["coredns_cache_hits_total"], map[string]string{"server": server, "type": "success"}).GetCounter().GetValue()
	if hits != 12 {
		t.Errorf("coredns_cache_hits_total{type=success} = %v, want 12", hits)
	}
}
