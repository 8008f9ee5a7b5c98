package test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

const cacheOrchardZone = `$ORIGIN orchard.test.
$TTL 300
@       IN SOA  ns.orchard.test. keeper.orchard.test. 11 3600 600 86400 45
@       IN NS   ns
ns      IN A    10.99.4.53
apple   IN A    10.99.4.1
apple   IN A    10.99.4.2
plum    IN CNAME apple
quince  20 IN A 10.99.4.9
`

// TestCacheForward runs a cache in front of forward, which asks a second
// server block serving a zone from a file, and checks the whole answers of
// misses and hits over UDP and TCP.
func TestCacheForward(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db.orchard"), []byte(cacheOrchardZone), 0o600); err != nil {
		t.Fatal(err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	corefile := `.:0 {
    bind 127.0.0.1
    cache 120 {
        denial 100 30
    }
    forward . 127.0.0.1:` + p + `
}
orchard.test:` + p + ` {
    bind 127.0.0.1
    file ` + filepath.Join(dir, "db.orchard") + `
}
`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer i.Stop()

	apple := func(ttl uint32) []dns.RR {
		return []dns.RR{
			test.A("apple.orchard.test. " + strconv.Itoa(int(ttl)) + " IN A 10.99.4.1"),
			test.A("apple.orchard.test. " + strconv.Itoa(int(ttl)) + " IN A 10.99.4.2"),
		}
	}
	ns := func(ttl uint32) []dns.RR {
		return []dns.RR{test.NS("orchard.test. " + strconv.Itoa(int(ttl)) + " IN NS ns.orchard.test.")}
	}
	soa := []dns.RR{test.SOA("orchard.test. 30 IN SOA ns.orchard.test. keeper.orchard.test. 11 3600 600 86400 45")}

	tests := []struct {
		qname string
		qtype uint16
		tcp   bool
		do    bool
		want  test.Case
	}{
		{qname: "apple.orchard.test.", qtype: dns.TypeA, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120)}},
		{qname: "apple.orchard.test.", qtype: dns.TypeA, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120)}},
		{qname: "APPLE.Orchard.Test.", qtype: dns.TypeA, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120)}},
		{qname: "apple.orchard.test.", qtype: dns.TypeA, tcp: true, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120)}},
		{qname: "apple.orchard.test.", qtype: dns.TypeA, do: true, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120), Extra: []dns.RR{test.OPT(1232, true)}}},
		{qname: "apple.orchard.test.", qtype: dns.TypeA, do: true, want: test.Case{Authoritative: true, Answer: apple(120), Ns: ns(120), Extra: []dns.RR{test.OPT(1232, true)}}},
		{qname: "quince.orchard.test.", qtype: dns.TypeA, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("quince.orchard.test. 20 IN A 10.99.4.9")}, Ns: ns(20)}},
		{qname: "quince.orchard.test.", qtype: dns.TypeA, tcp: true, want: test.Case{Authoritative: true,
			Answer: []dns.RR{test.A("quince.orchard.test. 20 IN A 10.99.4.9")}, Ns: ns(20)}},
		{qname: "void.orchard.test.", qtype: dns.TypeA, want: test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa}},
		{qname: "void.orchard.test.", qtype: dns.TypeA, want: test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa}},
		{qname: "apple.orchard.test.", qtype: dns.TypeAAAA, want: test.Case{Authoritative: true, Ns: soa}},
		{qname: "apple.orchard.test.", qtype: dns.TypeAAAA, tcp: true, want: test.Case{Authoritative: true, Ns: soa}},
		{qname: "elsewhere.test.", qtype: dns.TypeA, want: test.Case{Rcode: dns.RcodeRefused}},
		{qname: "elsewhere.test.", qtype: dns.TypeA, want: test.Case{Rcode: dns.RcodeRefused}},
	}
	for n, tc := range tests {
		m := new(dns.Msg)
		m.SetQuestion(tc.qname, tc.qtype)
		if tc.do {
			m.SetEdns0(1232, true)
		}
		c := &dns.Client{Net: "udp"}
		addr := udp
		if tc.tcp {
			c.Net, addr = "tcp", tcp
		}
		resp, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%d: %s/%s: %v", n, tc.qname, dns.TypeToString[tc.qtype], err)
		}
		if resp.Id != m.Id || len(resp.Question) != 1 || resp.Question[0] != m.Question[0] {
			t.Errorf("%d: reply ID/question %d/%v, want %d/%v", n, resp.Id, resp.Question, m.Id, m.Question)
		}
		// The test runs within a second: TTLs have not moved yet.
		if err := test.SortAndCheck(resp, tc.want); err != nil {
			t.Errorf("%d: %s/%s: %v", n, tc.qname, dns.TypeToString[tc.qtype], err)
		}
	}

	// The zone's own server still hands out its own TTLs.
	resp, err := dns.Exchange(func() *dns.Msg { m := new(dns.Msg); m.SetQuestion("apple.orchard.test.", dns.TypeA); return m }(), "127.0.0.1:"+p)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, test.Case{Authoritative: true, Answer: apple(300), Ns: ns(300)}); err != nil {
		t.Error(err)
	}
}

// TestCacheHits checks with an upstream that counts its queries that hits
// are answered without it, over both transports, and that the DO and CD
// bits select separate entries.
func TestCacheHits(t *testing.T) {
	var queries atomic.Int32
	up := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		queries.Add(1)
		m := new(dns.Msg)
		m.SetReply(r)
		m.RecursionAvailable = true
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 600 IN A 192.0.2.1")}
		w.WriteMsg(m)
	})
	defer up.Close()

	corefile := `.:0 {
    bind 127.0.0.1
    cache 60
    forward . ` + up.Addr + `
}
`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer i.Stop()

	tests := []struct {
		net     string
		qname   string
		do, cd  bool
		queries int32 // upstream queries seen afterwards
		aa      bool  // the reply comes from the cache
	}{
		{"udp", "fig.test.", false, false, 1, false},
		{"udp", "fig.test.", false, false, 1, true},
		{"tcp", "FIG.test.", false, false, 1, true},
		{"udp", "fig.test.", true, false, 2, false},
		{"tcp", "fig.test.", true, false, 2, true},
		{"udp", "fig.test.", false, true, 3, false},
		{"udp", "fig.test.", false, true, 3, true},
		{"tcp", "date.test.", false, false, 4, false},
		{"udp", "date.test.", false, false, 4, true},
	}
	for n, tc := range tests {
		m := new(dns.Msg)
		m.SetQuestion(tc.qname, dns.TypeA)
		m.CheckingDisabled = tc.cd
		if tc.do {
			m.SetEdns0(4096, true)
		}
		addr := udp
		if tc.net == "tcp" {
			addr = tcp
		}
		resp, _, err := (&dns.Client{Net: tc.net}).Exchange(m, addr)
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		want := test.Case{Authoritative: tc.aa, RecursionAvailable: true, CheckingDisabled: tc.cd,
			Answer: []dns.RR{test.A(strings.ToLower(tc.qname) + " 60 IN A 192.0.2.1")}}
		if tc.do {
			want.Extra = []dns.RR{test.OPT(4096, true)}
		}
		if err := test.SortAndCheck(resp, want); err != nil {
			t.Errorf("%d: %v", n, err)
		}
		if resp.Authoritative != tc.aa || resp.CheckingDisabled != tc.cd || resp.Question[0].Name != tc.qname {
			t.Errorf("%d: AA %v CD %v question %s, want %v %v %s", n, resp.Authoritative, resp.CheckingDisabled, resp.Question[0].Name, tc.aa, tc.cd, tc.qname)
		}
		if got := queries.Load(); got != tc.queries {
			t.Errorf("%d: upstream saw %d queries, want %d", n, got, tc.queries)
		}
	}
}

// TestCacheMetrics scrapes the cache metrics after a miss and a hit.
func TestCacheMetrics(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	corefile := `example.org:` + p + ` {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    cache 60
    template IN A {
        answer "{{ .Name }} 300 IN A 192.0.2.1"
    }
}
`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer i.ShutdownCallbacks()
	defer i.Stop()
	metricsAddr := metrics.ListenAddr

	for range 2 {
		m := new(dns.Msg)
		m.SetQuestion("kiwi.example.org.", dns.TypeA)
		if _, err := dns.Exchange(m, udp); err != nil {
			t.Fatal(err)
		}
	}

	server := "dns://127.0.0.1:" + p
	mfs := scrape(t, metricsAddr)
	tests := []struct {
		name   string
		labels map[string]string
		typ    dto.MetricType
		want   float64
	}{
		{"coredns_cache_requests_total", map[string]string{"server": server, "zones": "example.org.", "view": ""}, dto.MetricType_COUNTER, 2},
		{"coredns_cache_misses_total", map[string]string{"server": server, "zones": "example.org.", "view": ""}, dto.MetricType_COUNTER, 1},
		{"coredns_cache_hits_total", map[string]string{"server": server, "type": "success", "zones": "example.org.", "view": ""}, dto.MetricType_COUNTER, 1},
		{"coredns_cache_entries", map[string]string{"server": server, "type": "success", "zones": "example.org.", "view": ""}, dto.MetricType_GAUGE, 1},
		{"coredns_cache_entries", map[string]string{"server": server, "type": "denial", "zones": "example.org.", "view": ""}, dto.MetricType_GAUGE, 0},
	}
	for _, tc := range tests {
		mf := mfs[tc.name]
		if mf == nil {
			t.Errorf("%s not exported", tc.name)
			continue
		}
		if mf.GetType() != tc.typ {
			t.Errorf("%s is a %s, want %s", tc.name, mf.GetType(), tc.typ)
		}
		m := find(mf, tc.labels)
		if m == nil {
			t.Errorf("%s%v not exported", tc.name, tc.labels)
			continue
		}
		got := m.GetCounter().GetValue() + m.GetGauge().GetValue()
		if got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
}
