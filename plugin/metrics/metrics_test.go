package metrics

import (
	"context"
	"net"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// sample returns the value of the series name{labels} in the default
// registry: the value of a counter or gauge, the sample count of a histogram.
// Labels not given are not compared.
func sample(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if !hasLabels(m, labels) {
				continue
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

// histogramSum returns the sum of the histogram series name{labels}, and
// whether it exists.
func histogramSum(t *testing.T, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if hasLabels(m, labels) && m.Histogram != nil {
				return m.Histogram.GetSampleSum(), true
			}
		}
	}
	return 0, false
}

// mustHistogramSum is histogramSum for a series that must exist.
func mustHistogramSum(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	v, ok := histogramSum(t, name, labels)
	if !ok {
		t.Fatalf("no histogram %s%v", name, labels)
	}
	return v
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, lp := range m.GetLabel() {
		if v, ok := want[lp.GetName()]; ok {
			if v != lp.GetValue() {
				return false
			}
			n++
		}
	}
	return n == len(want)
}

// answerer writes a reply with rcode and one A record, after an optional
// hook; with rcode SERVFAIL it writes nothing and returns SERVFAIL.
type answerer struct {
	name   string
	rcode  int
	before func(w dns.ResponseWriter, r *dns.Msg)
}

func (a answerer) Name() string { return a.name }

func (a answerer) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if a.before != nil {
		a.before(w, r)
	}
	if a.rcode == dns.RcodeServerFailure {
		return dns.RcodeServerFailure, nil
	}
	m := new(dns.Msg)
	m.SetRcode(r, a.rcode)
	m.Authoritative = true
	if a.rcode == dns.RcodeSuccess {
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A 192.0.2.1")}
	}
	w.WriteMsg(m)
	return a.rcode, nil
}

func serverCtx(addr, view string) context.Context {
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, &dnsserver.Server{Addr: addr})
	if view != "" {
		ctx = context.WithValue(ctx, dnsserver.ViewKey{}, view)
	}
	return ctx
}

func TestServeDNS(t *testing.T) {
	tests := []struct {
		server   string // unique per case, so no other case touches its series
		view     string
		qname    string
		qtype    uint16
		do       bool
		tcp      bool
		remote   string
		next     answerer
		wantCode int
		// expected labels
		zone, typ, family, rcode, plugin string
	}{
		{
			server: "dns://case1:53", qname: "www.example.org.", qtype: dns.TypeA,
			next:     answerer{name: "whoami", rcode: dns.RcodeSuccess},
			wantCode: dns.RcodeSuccess,
			zone:     "example.org.", typ: "A", family: "1", rcode: "NOERROR", plugin: "whoami",
		},
		{
			server: "dns://case2:53", view: "inside", qname: "a.B.Example.ORG.", qtype: dns.TypeMX, do: true, tcp: true,
			next:     answerer{name: "file", rcode: dns.RcodeNameError},
			wantCode: dns.RcodeNameError,
			zone:     "b.example.org.", typ: "MX", family: "1", rcode: "NXDOMAIN", plugin: "file",
		},
		{
			server: "dns://case3:53", qname: "other.net.", qtype: dns.TypeNAPTR, remote: "2001:db8::1",
			next:     answerer{name: "forward", rcode: dns.RcodeServerFailure},
			wantCode: dns.RcodeServerFailure,
			zone:     ".", typ: "other", family: "2", rcode: "SERVFAIL", plugin: "forward",
		},
		{
			// A deeper plugin that received the Recorder claims the response.
			server: "dns://case4:53", qname: "example.org.", qtype: dns.TypeHTTPS,
			next: answerer{name: "cache", rcode: dns.RcodeSuccess, before: func(w dns.ResponseWriter, _ *dns.Msg) {
				w.(plugin.PluginTracker).SetPlugin("hosts")
			}},
			wantCode: dns.RcodeSuccess,
			zone:     "example.org.", typ: "HTTPS", family: "1", rcode: "NOERROR", plugin: "hosts",
		},
	}

	for i, tc := range tests {
		m := New("127.0.0.1:0")
		m.AddZone("example.org.")
		m.AddZone("b.example.org.")
		m.Next = tc.next

		req := new(dns.Msg)
		req.SetQuestion(tc.qname, tc.qtype)
		if tc.do {
			req.SetEdns0(4096, true)
		}

		proto := "udp"
		if tc.tcp {
			proto = "tcp"
		}
		base := map[string]string{"server": tc.server, "zone": tc.zone, "view": tc.view}
		with := func(kv ...string) map[string]string {
			l := map[string]string{}
			for k, v := range base {
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
			want   float64 // increment
		}{
			{"coredns_dns_requests_total", with("proto", proto, "family", tc.family, "type", tc.typ), 1},
			{"coredns_dns_request_duration_seconds", base, 1},
			{"coredns_dns_request_size_bytes", with("proto", proto), 1},
			{"coredns_dns_response_size_bytes", with("proto", proto), 1},
			{"coredns_dns_responses_total", with("rcode", tc.rcode, "plugin", tc.plugin), 1},
		}
		// The registry is global and outlives a run (-count): assert on what
		// this query adds.
		before := make([]float64, len(checks))
		for j, c := range checks {
			before[j], _ = sample(t, c.name, c.labels)
		}
		doBefore, _ := sample(t, "coredns_dns_do_requests_total", base)
		reqSumBefore, _ := histogramSum(t, "coredns_dns_request_size_bytes", with("proto", proto))
		respSumBefore, _ := histogramSum(t, "coredns_dns_response_size_bytes", with("proto", proto))

		rec := dnstest.NewRecorder(&test.ResponseWriter{TCP: tc.tcp, RemoteIP: tc.remote})
		code, err := m.ServeDNS(serverCtx(tc.server, tc.view), rec, req)
		if err != nil || code != tc.wantCode {
			t.Errorf("test %d: got (%d, %v), want (%d, nil)", i, code, err, tc.wantCode)
		}
		// The answer passes through untouched.
		if tc.wantCode != dns.RcodeServerFailure {
			if rec.Msg == nil || rec.Msg.Rcode != tc.wantCode || rec.Msg.Id != req.Id {
				t.Fatalf("test %d: unexpected reply %v", i, rec.Msg)
			}
			if tc.wantCode == dns.RcodeSuccess {
				if err := test.Section(test.Case{Answer: []dns.RR{test.A(tc.qname + " 300 IN A 192.0.2.1")}}, test.Answer, rec.Msg.Answer); err != nil {
					t.Errorf("test %d: %v", i, err)
				}
			}
		} else if rec.Msg != nil {
			t.Errorf("test %d: expected nothing written, got %v", i, rec.Msg)
		}

		for j, c := range checks {
			if v, ok := sample(t, c.name, c.labels); !ok || v-before[j] != c.want {
				t.Errorf("test %d: %s%v = %v (present %v), want %v+%v", i, c.name, c.labels, v, ok, before[j], c.want)
			}
		}
		// Only a DO query creates its server's series at all.
		v, ok := sample(t, "coredns_dns_do_requests_total", base)
		if tc.do && (!ok || v-doBefore != 1) || !tc.do && ok {
			t.Errorf("test %d: do_requests_total = %v (present %v), want DO %v (%v+1)", i, v, ok, tc.do, doBefore)
		}
		if got, want := mustHistogramSum(t, "coredns_dns_request_size_bytes", with("proto", proto))-reqSumBefore, float64(req.Len()); got != want {
			t.Errorf("test %d: request size %v, want %v", i, got, want)
		}
		wantResp := 0.0
		if rec.Msg != nil {
			wantResp = float64(rec.Msg.Len())
		}
		if got := mustHistogramSum(t, "coredns_dns_response_size_bytes", with("proto", proto)) - respSumBefore; got != wantResp {
			t.Errorf("test %d: response size %v, want %v", i, got, wantResp)
		}
	}
}

// TestOriginalRequestSize checks that a query grown by a later plugin is
// reported with the size it arrived with.
func TestOriginalRequestSize(t *testing.T) {
	m := New("127.0.0.1:0")
	m.Next = answerer{name: "rewrite", rcode: dns.RcodeSuccess, before: func(_ dns.ResponseWriter, r *dns.Msg) {
		r.SetEdns0(1232, false)
		o := r.IsEdns0()
		o.Option = append(o.Option, &dns.EDNS0_PADDING{Padding: make([]byte, 100)})
	}}
	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	size := req.Len()
	labels := map[string]string{"server": "dns://origsize:53", "zone": ".", "proto": "udp"}
	before, _ := histogramSum(t, "coredns_dns_request_size_bytes", labels)
	m.ServeDNS(serverCtx("dns://origsize:53", ""), dnstest.NewRecorder(&test.ResponseWriter{}), req)
	if got := mustHistogramSum(t, "coredns_dns_request_size_bytes", labels) - before; got != float64(size) {
		t.Errorf("request size grew by %v, want the original %d", got, size)
	}
}

func TestNoNext(t *testing.T) {
	m := New("127.0.0.1:0")
	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	labels := map[string]string{"server": "dns://nonext:53", "zone": ".", "rcode": "SERVFAIL", "plugin": ""}
	before, _ := sample(t, "coredns_dns_responses_total", labels)
	code, err := m.ServeDNS(serverCtx("dns://nonext:53", ""), dnstest.NewRecorder(&test.ResponseWriter{}), req)
	if code != dns.RcodeServerFailure || err == nil {
		t.Errorf("got (%d, %v), want SERVFAIL and an error", code, err)
	}
	if v, ok := sample(t, "coredns_dns_responses_total", labels); !ok || v-before != 1 {
		t.Errorf("responses_total = %v (present %v), want %v+1", v, ok, before)
	}
}

func TestWithServerAndView(t *testing.T) {
	if s := WithServer(context.Background()); s != "" {
		t.Errorf("WithServer(empty) = %q", s)
	}
	if v := WithView(context.Background()); v != "" {
		t.Errorf("WithView(empty) = %q", v)
	}
	ctx := serverCtx("dns://127.0.0.1:53", "v")
	if s := WithServer(ctx); s != "dns://127.0.0.1:53" {
		t.Errorf("WithServer = %q", s)
	}
	if v := WithView(ctx); v != "v" {
		t.Errorf("WithView = %q", v)
	}
}

func TestZones(t *testing.T) {
	m := New("127.0.0.1:0")
	m.AddZone("example.org.")
	m.AddZone("example.net.")
	m.AddZone("example.org.")
	zs := m.ZoneNames()
	if len(zs) != 2 || zs[0] != "example.net." || zs[1] != "example.org." {
		t.Fatalf("ZoneNames = %v", zs)
	}
	zs[0] = "changed." // a copy: m is not affected
	m.RemoveZone("example.org.")
	if zs := m.ZoneNames(); len(zs) != 1 || zs[0] != "example.net." {
		t.Errorf("ZoneNames after RemoveZone = %v", zs)
	}
	var z Metrics // the zero value works too
	z.AddZone("a.")
	if zs := z.ZoneNames(); len(zs) != 1 || zs[0] != "a." {
		t.Errorf("zero Metrics ZoneNames = %v", zs)
	}
}

func TestRecorder(t *testing.T) {
	w := &test.ResponseWriter{}
	rec := NewRecorder(w)
	var _ plugin.PluginTracker = rec
	if rec.GetPlugin() != "" || rec.Start.IsZero() || rec.ResponseWriter != w {
		t.Fatalf("fresh recorder: %+v", rec)
	}
	rec.SetPlugin("whoami")
	if rec.GetPlugin() != "whoami" || rec.Plugin != "whoami" {
		t.Errorf("GetPlugin = %q", rec.GetPlugin())
	}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.Rcode = dns.RcodeNameError
	if err := rec.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	if rec.Rcode != dns.RcodeNameError || rec.Len != m.Len() || rec.Msg != m {
		t.Errorf("after WriteMsg: rcode %d len %d", rec.Rcode, rec.Len)
	}
}

// panicker panics on every query.
type panicker struct{}

func (panicker) Name() string { return "panicker" }
func (panicker) ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
	panic("test panic")
}

// TestPanicsTotal runs a real server chain with a panicking plugin behind
// prometheus: the server recovers, answers SERVFAIL and counts the panic.
func TestPanicsTotal(t *testing.T) {
	m := New("127.0.0.1:0")
	cfg := &dnsserver.Config{Zone: ".", Port: "0", Transport: "dns", ListenHosts: []string{"127.0.0.1"}}
	cfg.AddPlugin(func(next plugin.Handler) plugin.Handler { m.Next = next; return m })
	cfg.AddPlugin(func(plugin.Handler) plugin.Handler { return panicker{} })
	s, err := dnsserver.NewServer("dns://panic-test:53", []*dnsserver.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := sample(t, "coredns_panics_total", nil)
	labels := map[string]string{"server": "dns://panic-test:53", "zone": vars.Dropped, "rcode": "SERVFAIL"}
	droppedBefore, _ := sample(t, "coredns_dns_responses_total", labels)

	req := new(dns.Msg)
	req.SetQuestion("example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	s.ServeDNS(context.Background(), rec, req)

	if rec.Msg == nil || rec.Msg.Rcode != dns.RcodeServerFailure {
		t.Fatalf("want a SERVFAIL reply, got %v", rec.Msg)
	}
	after, ok := sample(t, "coredns_panics_total", nil)
	if !ok || after != before+1 {
		t.Errorf("coredns_panics_total went from %v to %v, want +1", before, after)
	}
	if v, ok := sample(t, "coredns_dns_responses_total", labels); !ok || v-droppedBefore != 1 {
		t.Errorf("dropped SERVFAIL = %v (present %v), want %v+1", v, ok, droppedBefore)
	}
}

// fixedWriter is a response writer that allocates nothing, so the benchmark
// measures the plugin alone.
type fixedWriter struct {
	test.ResponseWriter
	addr net.Addr
}

func (w *fixedWriter) RemoteAddr() net.Addr      { return w.addr }
func (w *fixedWriter) WriteMsg(m *dns.Msg) error { return nil }

// replier writes a prepared reply.
type replier struct{ m *dns.Msg }

func (replier) Name() string { return "replier" }
func (r replier) ServeDNS(_ context.Context, w dns.ResponseWriter, _ *dns.Msg) (int, error) {
	w.WriteMsg(r.m)
	return dns.RcodeSuccess, nil
}

func BenchmarkServeDNS(b *testing.B) {
	req := new(dns.Msg)
	req.SetQuestion("www.example.org.", dns.TypeA)
	reply := new(dns.Msg)
	reply.SetReply(req)
	reply.Answer = []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1")}

	m := New("127.0.0.1:0")
	m.AddZone("example.org.")
	m.AddZone("example.net.")
	m.Next = replier{reply}
	ctx := serverCtx("dns://bench:53", "")
	w := &fixedWriter{addr: &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 4000}}
	b.ReportAllocs()
	for b.Loop() {
		m.ServeDNS(ctx, w, req)
	}
}
