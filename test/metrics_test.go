package test

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/metrics"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics from addr and parses it.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("scrape: HTTP %d: %s", resp.StatusCode, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return mfs
}

// find returns the series of mf whose labels include want, or nil.
func find(mf *dto.MetricFamily, want map[string]string) *dto.Metric {
	if mf == nil {
		return nil
	}
outer:
	for _, m := range mf.GetMetric() {
		got := map[string]string{}
		for _, lp := range m.GetLabel() {
			got[lp.GetName()] = lp.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue outer
			}
		}
		return m
	}
	return nil
}

func labelNames(m *dto.Metric) string {
	var ns []string
	for _, lp := range m.GetLabel() {
		ns = append(ns, lp.GetName())
	}
	sort.Strings(ns)
	return strings.Join(ns, " ")
}

func TestMetricsScrape(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	server := fmt.Sprintf("dns://127.0.0.1:%d", port)
	corefile := fmt.Sprintf(`example.org:%[1]d {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    whoami
}
.:%[1]d {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    whoami
}
`, port)
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.ShutdownCallbacks()
	defer i.Stop()
	metricsAddr := metrics.ListenAddr

	queries := []struct {
		net, addr, qname string
		qtype, qclass    uint16
		do               bool
		rcode            int
	}{
		{"udp", udp, "www.example.org.", dns.TypeA, dns.ClassINET, false, dns.RcodeSuccess},
		{"udp", udp, "www.example.org.", dns.TypeA, dns.ClassINET, false, dns.RcodeSuccess},
		{"tcp", tcp, "example.net.", dns.TypeMX, dns.ClassINET, true, dns.RcodeSuccess},
		{"udp", udp, "example.net.", dns.TypeNAPTR, dns.ClassINET, false, dns.RcodeSuccess},
		// Not a class the server serves: refused before any chain runs.
		{"udp", udp, "example.net.", dns.TypeTXT, dns.ClassCHAOS, false, dns.RcodeRefused},
	}
	for _, q := range queries {
		m := new(dns.Msg)
		m.SetQuestion(q.qname, q.qtype)
		m.Question[0].Qclass = q.qclass
		if q.do {
			m.SetEdns0(4096, true)
		}
		c := dns.Client{Net: q.net, Timeout: 2 * time.Second}
		r, _, err := c.Exchange(m, q.addr)
		if err != nil {
			t.Fatalf("%s %s: %v", q.net, q.qname, err)
		}
		if r.Rcode != q.rcode {
			t.Errorf("%s %s: rcode %s, want %s", q.net, q.qname, dns.RcodeToString[r.Rcode], dns.RcodeToString[q.rcode])
		}
	}

	// The server counts a query after its reply is on the way: scrape until
	// all of them are in.
	var mfs map[string]*dto.MetricFamily
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		mfs = scrape(t, metricsAddr)
		n := 0.0
		if mf := mfs["coredns_dns_responses_total"]; mf != nil {
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "server" && l.GetValue() == server {
						n += m.GetCounter().GetValue()
					}
				}
			}
		}
		if n >= float64(len(queries)) || time.Now().After(deadline) {
			break
		}
	}

	// Types and label names, as CoreDNS has them.
	types := []struct {
		name, labels string
		typ          dto.MetricType
	}{
		{"coredns_build_info", "goversion revision version", dto.MetricType_GAUGE},
		{"coredns_panics_total", "", dto.MetricType_COUNTER},
		{"coredns_dns_requests_total", "family proto server type view zone", dto.MetricType_COUNTER},
		{"coredns_dns_request_duration_seconds", "server view zone", dto.MetricType_HISTOGRAM},
		{"coredns_dns_request_size_bytes", "proto server view zone", dto.MetricType_HISTOGRAM},
		{"coredns_dns_do_requests_total", "server view zone", dto.MetricType_COUNTER},
		{"coredns_dns_response_size_bytes", "proto server view zone", dto.MetricType_HISTOGRAM},
		{"coredns_dns_responses_total", "plugin rcode server view zone", dto.MetricType_COUNTER},
		{"coredns_plugin_enabled", "name server view zone", dto.MetricType_GAUGE},
		{"go_goroutines", "", dto.MetricType_GAUGE},
		{"process_start_time_seconds", "", dto.MetricType_GAUGE},
	}
	for _, tc := range types {
		mf := mfs[tc.name]
		if mf == nil {
			t.Errorf("%s missing", tc.name)
			continue
		}
		if mf.GetType() != tc.typ {
			t.Errorf("%s: type %s, want %s", tc.name, mf.GetType(), tc.typ)
		}
		if got := labelNames(mf.GetMetric()[0]); got != tc.labels {
			t.Errorf("%s: labels %q, want %q", tc.name, got, tc.labels)
		}
	}

	if m := find(mfs["coredns_build_info"], map[string]string{"version": "1.14.7"}); m == nil || m.GetGauge().GetValue() != 1 {
		t.Errorf("coredns_build_info{version=1.14.7} = %v", m)
	}

	values := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": "example.org.", "view": "", "proto": "udp", "family": "1", "type": "A"}, 2},
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": ".", "proto": "tcp", "type": "MX"}, 1},
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": ".", "proto": "udp", "type": "other"}, 1},
		{"coredns_dns_requests_total", map[string]string{"server": server, "zone": "dropped", "proto": "udp", "type": "TXT"}, 1},
		{"coredns_dns_do_requests_total", map[string]string{"server": server, "zone": "."}, 1},
		{"coredns_dns_responses_total", map[string]string{"server": server, "zone": "example.org.", "rcode": "NOERROR", "plugin": "whoami"}, 2},
		{"coredns_dns_responses_total", map[string]string{"server": server, "zone": ".", "rcode": "NOERROR", "plugin": "whoami"}, 2},
		{"coredns_dns_responses_total", map[string]string{"server": server, "zone": "dropped", "rcode": "REFUSED", "plugin": ""}, 1},
		{"coredns_dns_request_duration_seconds", map[string]string{"server": server, "zone": "example.org."}, 2},
		{"coredns_dns_request_size_bytes", map[string]string{"server": server, "zone": ".", "proto": "tcp"}, 1},
		{"coredns_dns_response_size_bytes", map[string]string{"server": server, "zone": ".", "proto": "udp"}, 1},
		{"coredns_plugin_enabled", map[string]string{"server": server, "zone": "example.org.", "name": "whoami"}, 1},
		{"coredns_plugin_enabled", map[string]string{"server": server, "zone": ".", "name": "prometheus"}, 1},
	}
	for _, v := range values {
		m := find(mfs[v.name], v.labels)
		if m == nil {
			t.Errorf("%s%v missing", v.name, v.labels)
			continue
		}
		got := m.GetCounter().GetValue() + m.GetGauge().GetValue() + float64(m.GetHistogram().GetSampleCount())
		if got != v.want {
			t.Errorf("%s%v = %v, want %v", v.name, v.labels, got, v.want)
		}
	}
	// No DO query reached example.org.
	if m := find(mfs["coredns_dns_do_requests_total"], map[string]string{"server": server, "zone": "example.org."}); m != nil {
		t.Errorf("unexpected do_requests_total for example.org.: %v", m)
	}
}

// TestMetricsReload checks that the listener keeps serving across a reload
// and closes when the last instance using it shuts down.
func TestMetricsReload(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	corefile := fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    prometheus 127.0.0.1:%d\n    whoami\n}\n", port)
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	if mfs := scrape(t, addr); mfs["coredns_build_info"] == nil {
		t.Fatal("no coredns_build_info before the reload")
	}

	ni, err := i.Restart(NewInput(corefile))
	if err != nil {
		i.Stop()
		i.ShutdownCallbacks()
		t.Fatalf("reload: %v", err)
	}
	if mfs := scrape(t, addr); mfs["coredns_build_info"] == nil {
		t.Error("no coredns_build_info after the reload")
	}

	ni.Stop()
	ni.ShutdownCallbacks()
	c := http.Client{Timeout: 2 * time.Second}
	if resp, err := c.Get("http://" + addr + "/metrics"); err == nil {
		resp.Body.Close()
		t.Error("metrics listener still up after shutdown")
	}
}
