package test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/openzipkin/zipkin-go/model"
)

// zipkinCollector imitates a Zipkin server's span API on loopback.
type zipkinCollector struct {
	mu    sync.Mutex
	spans []model.SpanModel
	bad   []string
}

func (z *zipkinCollector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/api/v2/spans" || r.Header.Get("Content-Type") != "application/json" {
		z.mu.Lock()
		z.bad = append(z.bad, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
		z.mu.Unlock()
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var spans []model.SpanModel
	if err := json.Unmarshal(body, &spans); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	z.mu.Lock()
	z.spans = append(z.spans, spans...)
	z.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// wait returns the spans once at least n have arrived, or what is there
// after a few seconds.
func (z *zipkinCollector) wait(n int) []model.SpanModel {
	deadline := time.Now().Add(5 * time.Second)
	for {
		z.mu.Lock()
		got := append([]model.SpanModel(nil), z.spans...)
		z.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTraceZipkin(t *testing.T) {
	collector := &zipkinCollector{}
	srv := httptest.NewServer(collector)
	defer srv.Close()
	hostPort := strings.TrimPrefix(srv.URL, "http://")

	corefile := `example.org:0 {
		bind 127.0.0.1
		trace zipkin ` + hostPort + ` {
			service dns-e2e
			zipkin_max_batch_interval 50ms
		}
		cache
		hosts {
			192.0.2.53 www.example.org
		}
	}`
	udp, tcp := startServer(t, corefile)

	// UDP misses the cache and reaches hosts; TCP is then a cache hit.
	want := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.org. 3600 IN A 192.0.2.53")}}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		m := new(dns.Msg)
		m.SetQuestion("www.example.org.", dns.TypeA)
		resp := exchangeMsg(t, network, addr, m)
		if network == "tcp" {
			// A cached answer is not authoritative and its TTL may have dropped.
			want.Authoritative = false
			if len(resp.Answer) == 1 {
				resp.Answer[0].Header().Ttl = 3600
			}
		}
		if err := test.SortAndCheck(resp, want); err != nil {
			t.Errorf("%s: %v", network, err)
		}
	}

	spans := collector.wait(5)
	if len(collector.bad) > 0 {
		t.Errorf("bad requests to the collector: %v", collector.bad)
	}
	// udp: servedns > cache > hosts; tcp: servedns > cache.
	if len(spans) != 5 {
		t.Fatalf("collector got %d spans, want 5: %v", len(spans), spans)
	}
	byID := map[model.ID]model.SpanModel{}
	roots := map[string]model.SpanModel{} // by proto
	for _, s := range spans {
		byID[s.ID] = s
		if s.LocalEndpoint == nil || s.LocalEndpoint.ServiceName != "dns-e2e" {
			t.Errorf("span %q: local endpoint %+v, want service dns-e2e", s.Name, s.LocalEndpoint)
		}
		if s.Name == "servedns" {
			roots[s.Tags["coredns.io/proto"]] = s
		}
	}
	for _, proto := range []string{"udp", "tcp"} {
		root, ok := roots[proto]
		if !ok {
			t.Fatalf("no servedns span for %s", proto)
		}
		wantTags := map[string]string{
			"coredns.io/name": "www.example.org.", "coredns.io/type": "A", "coredns.io/rcode": "NOERROR",
			"coredns.io/proto": proto, "coredns.io/remote": "127.0.0.1",
		}
		if len(root.Tags) != len(wantTags) {
			t.Errorf("%s root tags %v, want %v", proto, root.Tags, wantTags)
		}
		for k, v := range wantTags {
			if root.Tags[k] != v {
				t.Errorf("%s root tag %s = %q, want %q", proto, k, root.Tags[k], v)
			}
		}
		if root.ParentID != nil {
			t.Errorf("%s root has a parent", proto)
		}
	}
	// Every other span descends from the root of its own trace.
	chains := map[string]int{}
	for _, s := range spans {
		if s.Name == "servedns" {
			continue
		}
		path := s.Name
		for cur := s; cur.ParentID != nil; {
			parent, ok := byID[*cur.ParentID]
			if !ok {
				t.Fatalf("span %q: parent missing", cur.Name)
			}
			if parent.TraceID != s.TraceID {
				t.Errorf("span %q: parent in another trace", s.Name)
			}
			path = parent.Name + ">" + path
			cur = parent
		}
		chains[path]++
	}
	wantChains := map[string]int{"servedns>cache": 2, "servedns>cache>hosts": 1}
	if len(chains) != len(wantChains) || chains["servedns>cache"] != 2 || chains["servedns>cache>hosts"] != 1 {
		t.Errorf("span paths %v, want %v", chains, wantChains)
	}
}

func TestTraceEvery(t *testing.T) {
	collector := &zipkinCollector{}
	srv := httptest.NewServer(collector)
	defer srv.Close()

	corefile := `.:0 {
		bind 127.0.0.1
		trace ` + srv.URL + `/api/v2/spans {
			every 3
			zipkin_max_batch_interval 50ms
		}
		hosts {
			192.0.2.53 www.example.org
		}
	}`
	udp, tcp := startServer(t, corefile)

	want := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.org. 3600 IN A 192.0.2.53")}}
	for n := range 6 {
		network, addr := "udp", udp
		if n%2 == 1 {
			network, addr = "tcp", tcp
		}
		m := new(dns.Msg)
		m.SetQuestion("www.example.org.", dns.TypeA)
		if err := test.SortAndCheck(exchangeMsg(t, network, addr, m), want); err != nil {
			t.Errorf("query %d over %s: %v", n, network, err)
		}
	}
	// Queries 3 and 6 are traced: a root and a hosts span each.
	spans := collector.wait(4)
	time.Sleep(150 * time.Millisecond)
	spans = collector.wait(4)
	if len(spans) != 4 {
		t.Fatalf("collector got %d spans, want 4", len(spans))
	}
	names := map[string]int{}
	for _, s := range spans {
		names[s.Name]++
	}
	if names["servedns"] != 2 || names["hosts"] != 2 {
		t.Errorf("span names %v, want 2 servedns and 2 hosts", names)
	}
}

func TestTraceDatadogUnsupported(t *testing.T) {
	i, err := CoreDNSServer(".:0 {\n bind 127.0.0.1\n trace datadog localhost:8126\n whoami\n}")
	if err == nil {
		i.Stop()
		t.Fatal("server started with trace datadog")
	}
	if !strings.Contains(err.Error(), "not supported in this build") {
		t.Errorf("error %q, want it to say datadog is not supported in this build", err)
	}
}
