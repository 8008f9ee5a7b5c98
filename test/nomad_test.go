package test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// nomadAPI imitates the service endpoints of a Nomad agent's HTTP API:
// GET /v1/service/:name?namespace=NS and GET /v1/agent/self. It wants the
// ACL token in X-Nomad-Token.
func nomadAPI(t *testing.T, token string) *httptest.Server {
	t.Helper()
	type reg struct {
		ServiceName, Namespace, Address string
		Port                            int
	}
	services := map[string][]reg{
		"default/api": {
			{"api", "default", "192.0.2.1", 8080},
			{"api", "default", "2001:db8::1", 8081},
		},
		"batch/worker": {
			{"worker", "batch", "192.0.2.7", 9000},
		},
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Nomad-Token") != token {
			http.Error(w, "Permission denied", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/v1/agent/self":
			w.Write([]byte(`{"config":{},"member":{},"stats":{}}`))
		case strings.HasPrefix(r.URL.Path, "/v1/service/"):
			key := r.URL.Query().Get("namespace") + "/" + strings.TrimPrefix(r.URL.Path, "/v1/service/")
			regs := services[key]
			if regs == nil {
				regs = []reg{}
			}
			json.NewEncoder(w).Encode(regs)
		default:
			http.NotFound(w, r)
		}
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

func TestNomad(t *testing.T) {
	api := nomadAPI(t, "s3cret")
	corefile := `.:0 {
		bind 127.0.0.1
		nomad service.nomad {
			address ` + api.URL + `
			token s3cret
			ttl 15
		}
	}`
	udp, tcp := startServer(t, corefile)
	before := nomadCounter(t, "coredns_nomad_success_requests_total", "default")

	cases := []test.Case{
		{
			Qname: "api.default.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("api.default.service.nomad. 15 IN A 192.0.2.1")},
		},
		{
			Qname: "api.default.service.nomad.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("api.default.service.nomad. 15 IN AAAA 2001:db8::1")},
		},
		{
			Qname: "api.default.service.nomad.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{
				test.SRV("api.default.service.nomad. 15 IN SRV 10 10 8080 api.default.service.nomad."),
				test.SRV("api.default.service.nomad. 15 IN SRV 10 10 8081 api.default.service.nomad."),
			},
			Extra: []dns.RR{
				test.A("api.default.service.nomad. 15 IN A 192.0.2.1"),
				test.AAAA("api.default.service.nomad. 15 IN AAAA 2001:db8::1"),
			},
		},
		{
			Qname: "worker.batch.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("worker.batch.service.nomad. 15 IN A 192.0.2.7")},
		},
		{
			Qname: "worker.batch.service.nomad.", Qtype: dns.TypeAAAA, Authoritative: true,
			Ns: []dns.RR{test.SOA("worker.batch.service.nomad. 15 IN SOA ns1.worker.batch.service.nomad. ns1.worker.batch.service.nomad. 1 3600 600 604800 3600")},
		},
		{
			Qname: "gone.default.service.nomad.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError,
			Answer: []dns.RR{test.SOA("gone.default.service.nomad. 15 IN SOA ns1.gone.default.service.nomad. ns1.gone.default.service.nomad. 1 3600 600 604800 3600")},
		},
		{
			// Outside the plugin's zone and no other plugin: SERVFAIL.
			Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure,
		},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		for _, tc := range cases {
			resp, _, err := c.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s/%s: %v", network, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", network, err)
			}
		}
	}

	// Four lookups per transport in namespace default; the server label is
	// the address the server was configured with.
	if got := nomadCounter(t, "coredns_nomad_success_requests_total", "default") - before; got != 8 {
		t.Errorf("coredns_nomad_success_requests_total{namespace=\"default\"} grew by %v, want 8", got)
	}
}

func TestNomadAgentDown(t *testing.T) {
	api := nomadAPI(t, "s3cret")
	corefile := `.:0 {
		bind 127.0.0.1
		nomad {
			address ` + api.URL + `
			token wrong
		}
	}`
	udp, tcp := startServer(t, corefile)
	before := nomadCounter(t, "coredns_nomad_failed_requests_total", "default")

	tc := test.Case{Qname: "api.default.service.nomad.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure}
	for _, s := range transports(udp, tcp) {
		c := &dns.Client{Net: s.network, Timeout: 2 * time.Second}
		resp, _, err := c.Exchange(tc.Msg(), s.addr)
		if err != nil {
			t.Fatalf("%s: %v", s.network, err)
		}
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s: %v", s.network, err)
		}
	}
	if got := nomadCounter(t, "coredns_nomad_failed_requests_total", "default") - before; got != 2 {
		t.Errorf("coredns_nomad_failed_requests_total grew by %v, want 2", got)
	}
}

// nomadCounter reads one counter of the nomad plugin from the default
// registry, for servers on 127.0.0.1:0 (the address the tests configure).
func nomadCounter(t *testing.T, name, namespace string) float64 {
	t.Helper()
	const server = "dns://127.0.0.1:0"
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["server"] == server && labels["namespace"] == namespace {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
