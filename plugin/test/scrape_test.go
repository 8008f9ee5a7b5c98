package test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const exposition = `# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.
# TYPE coredns_dns_requests_total counter
coredns_dns_requests_total{family="1",proto="udp",server="dns://:53",type="A",zone="example.org."} 3
coredns_dns_requests_total{family="1",proto="tcp",server="dns://:53",type="A",zone="."} 7
# HELP coredns_cache_entries The number of elements in the cache.
# TYPE coredns_cache_entries gauge
coredns_cache_entries{server="dns://:53",type="success",zones="."} 2
# HELP coredns_dns_request_duration_seconds Histogram of the time each request took.
# TYPE coredns_dns_request_duration_seconds histogram
coredns_dns_request_duration_seconds_bucket{server="dns://:53",zone=".",le="0.001"} 4
coredns_dns_request_duration_seconds_bucket{server="dns://:53",zone=".",le="0.5"} 9
coredns_dns_request_duration_seconds_bucket{server="dns://:53",zone=".",le="+Inf"} 10
coredns_dns_request_duration_seconds_sum{server="dns://:53",zone="."} 0.25
coredns_dns_request_duration_seconds_count{server="dns://:53",zone="."} 10
# HELP coredns_build_info A metric with a constant '1' value.
# TYPE coredns_build_info gauge
coredns_build_info{goversion="go1.26",revision="abc",version="1.0.0"} 1
# TYPE big_counter counter
big_counter 1e+06
`

func metricsServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write([]byte(exposition))
	}))
	t.Cleanup(s.Close)
	return s
}

func TestScrape(t *testing.T) {
	s := metricsServer(t)
	mfs := Scrape(s.URL + "/metrics")
	if len(mfs) != 5 {
		t.Fatalf("scraped %d families, want 5", len(mfs))
	}
	for i := 1; i < len(mfs); i++ {
		if mfs[i-1].Name > mfs[i].Name {
			t.Errorf("families not sorted: %s before %s", mfs[i-1].Name, mfs[i].Name)
		}
	}

	byName := map[string]*MetricFamily{}
	for _, mf := range mfs {
		byName[mf.Name] = mf
	}
	req := byName["coredns_dns_requests_total"]
	if req == nil || req.Type != "COUNTER" || len(req.Metrics) != 2 || !strings.HasPrefix(req.Help, "Counter of DNS") {
		t.Fatalf("requests family: %+v", req)
	}
	m := req.Metrics[0].(map[string]any)
	if m["value"] != "3" || m["labels"].(map[string]string)["zone"] != "example.org." {
		t.Errorf("first request sample: %v", m)
	}

	h := byName["coredns_dns_request_duration_seconds"]
	if h == nil || h.Type != "HISTOGRAM" || len(h.Metrics) != 1 {
		t.Fatalf("histogram family: %+v", h)
	}
	hm := h.Metrics[0].(map[string]any)
	buckets := hm["buckets"].(map[string]string)
	if hm["count"] != "10" || hm["sum"] != "0.25" || buckets["0.001"] != "4" || buckets["0.5"] != "9" {
		t.Errorf("histogram sample: %v", hm)
	}
	if _, ok := hm["value"]; ok {
		t.Errorf("histogram has a value: %v", hm)
	}
}

func TestScrapeFailure(t *testing.T) {
	s := metricsServer(t)
	if mfs := Scrape(s.URL + "/nothing"); len(mfs) != 0 {
		t.Errorf("404 gave %d families", len(mfs))
	}
	if mfs := Scrape("http://127.0.0.1:1/metrics"); mfs == nil || len(mfs) != 0 {
		t.Errorf("unreachable server gave %v", mfs)
	}
}

func TestMetricValue(t *testing.T) {
	mfs := Scrape(metricsServer(t).URL + "/metrics")

	tests := []struct {
		name, label string
		value       string
		labelKey    string
		labelValue  string
	}{
		{"coredns_cache_entries", "", "2", "type", "success"},
		{"coredns_dns_requests_total", "", "3", "proto", "udp"},
		{"coredns_dns_requests_total", "tcp", "7", "zone", "."},
		{"coredns_dns_requests_total", "example.org.", "3", "proto", "udp"},
		{"coredns_dns_request_duration_seconds", "", "10", "zone", "."},
		{"coredns_dns_requests_total", "doh", "", "", ""},
		{"no_such_metric", "", "", "", ""},
	}
	for _, tt := range tests {
		var v string
		var l map[string]string
		if tt.label == "" {
			v, l = MetricValue(tt.name, mfs)
		} else {
			v, l = MetricValueLabel(tt.name, tt.label, mfs)
		}
		if v != tt.value {
			t.Errorf("%s{%s} = %q, want %q", tt.name, tt.label, v, tt.value)
		}
		if tt.labelKey == "" {
			if l != nil {
				t.Errorf("%s{%s}: labels %v for a missing metric", tt.name, tt.label, l)
			}
			continue
		}
		if l[tt.labelKey] != tt.labelValue {
			t.Errorf("%s{%s}: labels %v, want %s=%s", tt.name, tt.label, l, tt.labelKey, tt.labelValue)
		}
	}
}

func TestScrapeMetricAsInt(t *testing.T) {
	addr := strings.TrimPrefix(metricsServer(t).URL, "http://")
	tests := []struct {
		name, label string
		want        int
	}{
		{"coredns_dns_requests_total", "", 3},
		{"coredns_dns_requests_total", "tcp", 7},
		{"coredns_build_info", "1.0.0", 1},
		{"big_counter", "", 1000000},
		{"coredns_dns_requests_total", "doh", -1},
		{"no_such_metric", "", -1},
	}
	for _, tt := range tests {
		if got := ScrapeMetricAsInt(addr, tt.name, tt.label, -1); got != tt.want {
			t.Errorf("ScrapeMetricAsInt(%s, %q) = %d, want %d", tt.name, tt.label, got, tt.want)
		}
	}
}
