package vars

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// value returns the counter value or histogram sample count of name{labels}
// in the default registry; labels must match exactly.
func value(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if labels[lp.GetName()] != lp.GetValue() {
					continue next
				}
			}
			return metricValue(m), true
		}
	}
	return 0, false
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return m.GetGauge().GetValue()
}

func newReq(qname string, qtype uint16, do, tcp bool, remote string) request.Request {
	r := new(dns.Msg)
	r.SetQuestion(qname, qtype)
	if do {
		r.SetEdns0(1232, true)
	}
	return request.Request{Req: r, W: &test.ResponseWriter{TCP: tcp, RemoteIP: remote}}
}

func TestReport(t *testing.T) {
	tests := []struct {
		server string
		req    request.Request
		opts   []ReportOption
		// expected labels and sizes
		proto, family, typ string
		do                 bool
	}{
		{server: "dns://vars1:53", req: newReq("example.org.", dns.TypeA, false, false, ""), proto: "udp", family: "1", typ: "A"},
		{server: "dns://vars2:53", req: newReq("example.org.", dns.TypeAAAA, true, true, "::1"), proto: "tcp", family: "2", typ: "AAAA", do: true},
		{server: "dns://vars3:53", req: newReq("example.org.", dns.TypeNAPTR, false, false, ""), proto: "udp", family: "1", typ: "other"},
		{server: "dns://vars4:53", req: newReq("example.org.", dns.TypeANY, false, false, ""), proto: "udp", family: "1", typ: "ANY",
			opts: []ReportOption{WithOriginalReqSize(300)}},
	}
	for i, tc := range tests {
		zv := map[string]string{"server": tc.server, "zone": "example.org.", "view": "v"}
		with := func(kv ...string) map[string]string {
			l := map[string]string{}
			for k, v := range zv {
				l[k] = v
			}
			for j := 0; j < len(kv); j += 2 {
				l[kv[j]] = kv[j+1]
			}
			return l
		}
		checks := []struct {
			name   string
			labels map[string]string
		}{
			{"coredns_dns_requests_total", with("proto", tc.proto, "family", tc.family, "type", tc.typ)},
			{"coredns_dns_request_duration_seconds", zv},
			{"coredns_dns_request_size_bytes", with("proto", tc.proto)},
			{"coredns_dns_response_size_bytes", with("proto", tc.proto)},
			{"coredns_dns_responses_total", with("rcode", "NOERROR", "plugin", "whoami")},
		}
		// The registry is global: compare with the values before, so the
		// test passes with any -count.
		before := make([]float64, len(checks))
		for j, c := range checks {
			before[j], _ = value(t, c.name, c.labels)
		}
		doBefore, _ := value(t, "coredns_dns_do_requests_total", zv)

		// Twice, so the second report goes through the cached children.
		for range 2 {
			Report(tc.server, tc.req, "example.org.", "v", "NOERROR", "whoami", 100, time.Now(), tc.opts...)
		}
		for j, c := range checks {
			if v, ok := value(t, c.name, c.labels); !ok || v-before[j] != 2 {
				t.Errorf("test %d: %s%v = %v (present %v), want %v+2", i, c.name, c.labels, v, ok, before[j])
			}
		}
		// Only DO queries create the series of their tuple at all.
		v, ok := value(t, "coredns_dns_do_requests_total", zv)
		if tc.do != ok || ok && v-doBefore != 2 {
			t.Errorf("test %d: do_requests_total = %v (present %v), want DO %v (%v+2)", i, v, ok, tc.do, doBefore)
		}
	}
}

// histograms returns the sample sum and cumulative bucket counts of every
// histogram series of server in the default registry, by metric name.
func histograms(t *testing.T, server string) (map[string]float64, map[string][]uint64) {
	t.Helper()
	sums := map[string]float64{}
	buckets := map[string][]uint64{}
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "server" && lp.GetValue() == server && m.Histogram != nil {
					sums[mf.GetName()] = m.Histogram.GetSampleSum()
					for _, b := range m.Histogram.GetBucket() {
						buckets[mf.GetName()] = append(buckets[mf.GetName()], b.GetCumulativeCount())
					}
				}
			}
		}
	}
	return sums, buckets
}

func TestReportSizes(t *testing.T) {
	req := newReq("example.org.", dns.TypeA, false, false, "")
	// Earlier runs (-count) leave samples behind: check what this run adds.
	sums0, buckets0 := histograms(t, "dns://sizes:53")
	Report("dns://sizes:53", req, ".", "", "NOERROR", "", 700, time.Now())
	Report("dns://sizes:53", req, ".", "", "NOERROR", "", 50, time.Now(), WithOriginalReqSize(2000))
	sums, buckets := histograms(t, "dns://sizes:53")

	if got, want := sums["coredns_dns_request_size_bytes"]-sums0["coredns_dns_request_size_bytes"], float64(req.Req.Len()+2000); got != want {
		t.Errorf("request size sum grew by %v, want %v", got, want)
	}
	if got := sums["coredns_dns_response_size_bytes"] - sums0["coredns_dns_response_size_bytes"]; got != 750 {
		t.Errorf("response size sum grew by %v, want 750", got)
	}
	// Buckets 0 100 200 300 400 511 1023 ...: 50 falls in le=100, 700 in le=1023.
	want := []uint64{0, 1, 1, 1, 1, 1, 2}
	got := buckets["coredns_dns_response_size_bytes"]
	prev := buckets0["coredns_dns_response_size_bytes"]
	if len(got) < len(want) || prev != nil && len(prev) != len(got) {
		t.Fatalf("response size buckets %v (before %v), want at least %d", got, prev, len(want))
	}
	for j := range want {
		var p uint64
		if prev != nil {
			p = prev[j]
		}
		if got[j]-p != want[j] {
			t.Fatalf("response size buckets %v (before %v), want growth by %v", got, prev, want)
		}
	}
}

// TestReportCacheFull checks that Report keeps counting once the cache holds
// as many label tuples as it may.
func TestReportCacheFull(t *testing.T) {
	// Fill the cache from empty, and put back the one the other tests
	// built when done, so they still get cached children in any order.
	seriesCache.mu.Lock()
	saved := seriesCache.m.Swap(nil)
	seriesCache.mu.Unlock()
	t.Cleanup(func() {
		seriesCache.mu.Lock()
		seriesCache.m.Store(saved)
		seriesCache.mu.Unlock()
	})

	req := newReq("example.org.", dns.TypeA, false, false, "")
	last := map[string]string{"server": "dns://full:53", "zone": "z" + strconv.Itoa(maxSeries+4) + ".", "view": "",
		"proto": "udp", "family": "1", "type": "A"}
	before, _ := value(t, "coredns_dns_requests_total", last)
	for i := range maxSeries + 5 {
		Report("dns://full:53", req, "z"+strconv.Itoa(i)+".", "", "NOERROR", "", 10, time.Now())
	}
	if seriesFor("dns://full:53", "zfresh.", "") != nil {
		t.Error("cache grew past maxSeries")
	}
	if v, ok := value(t, "coredns_dns_requests_total", last); !ok || v-before != 1 {
		t.Errorf("uncached report lost: %v (before %v) %v", v, before, ok)
	}
}

func TestTypeIndex(t *testing.T) {
	if len(monitoredTypes)+1 != numTypes {
		t.Fatalf("numTypes = %d, want %d", numTypes, len(monitoredTypes)+1)
	}
	for _, tc := range []struct {
		t    uint16
		want string
	}{
		{dns.TypeA, "A"}, {dns.TypeHTTPS, "HTTPS"}, {dns.TypeAXFR, "AXFR"}, {dns.TypeANY, "ANY"},
		{dns.TypeSVCB, other}, {dns.TypeCAA, other}, {dns.TypeNone, other}, {65535, other},
	} {
		if got := typeNames[typeIndex(tc.t)]; got != tc.want {
			t.Errorf("type %d: %q, want %q", tc.t, got, tc.want)
		}
	}
}

// fixedWriter answers RemoteAddr without allocating, unlike
// test.ResponseWriter, so the benchmarks measure Report alone.
type fixedWriter struct {
	test.ResponseWriter
	addr net.Addr
}

func (w *fixedWriter) RemoteAddr() net.Addr { return w.addr }

func benchReq() request.Request {
	r := newReq("example.org.", dns.TypeA, true, false, "")
	r.W = &fixedWriter{addr: &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 4000}}
	return r
}

func BenchmarkReport(b *testing.B) {
	req := benchReq()
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		Report("dns://bench:53", req, "example.org.", "", "NOERROR", "whoami", 100, start, WithOriginalReqSize(40))
	}
}

// BenchmarkReportUncached is what Report costs without the cache.
func BenchmarkReportUncached(b *testing.B) {
	start := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		reportUncached("dns://bench:53", "example.org.", "", "udp", 1, 1, "NOERROR", "whoami", 100, 40, start, true)
	}
}

func BenchmarkReportParallel(b *testing.B) {
	start := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchReq()
		for pb.Next() {
			Report("dns://bench:53", req, "example.org.", "", "NOERROR", "whoami", 100, start)
		}
	})
}
