package nomad

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/hashicorp/nomad/api"
	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// newTestNomad makes a plugin talking to the given agent addresses.
func newTestNomad(t *testing.T, zone, token string, ttl uint32, addrs ...string) *Nomad {
	t.Helper()
	n := &Nomad{zone: zone, ttl: ttl, Next: test.NextHandler(dns.RcodeRefused, nil)}
	for _, a := range addrs {
		cfg := api.DefaultConfig()
		cfg.Address = a
		cfg.SecretID = token
		c, err := api.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		n.agents = append(n.agents, sdkAgent{c: c})
	}
	return n
}

func soaFor(name string) dns.RR {
	rr, err := dns.NewRR(name + " 10 IN SOA ns1." + name + " ns1." + name + " 1 3600 600 604800 3600")
	if err != nil {
		panic(err)
	}
	return rr
}

func TestServeDNS(t *testing.T) {
	_, s := newFakeNomad(t, "secret")
	n := newTestNomad(t, "service.nomad.", "secret", 10, s.URL)

	cases := []test.Case{
		{
			Qname: "redis.default.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("redis.default.service.nomad. 10 IN A 192.0.2.10"),
				test.A("redis.default.service.nomad. 10 IN A 192.0.2.11"),
			},
		},
		{
			Qname: "redis.default.service.nomad.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("redis.default.service.nomad. 10 IN AAAA 2001:db8::10")},
		},
		{
			Qname: "redis.default.service.nomad.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{
				test.SRV("redis.default.service.nomad. 10 IN SRV 10 10 6379 redis.default.service.nomad."),
				test.SRV("redis.default.service.nomad. 10 IN SRV 10 10 6380 redis.default.service.nomad."),
				test.SRV("redis.default.service.nomad. 10 IN SRV 10 10 6381 redis.default.service.nomad."),
			},
			Extra: []dns.RR{
				test.A("redis.default.service.nomad. 10 IN A 192.0.2.10"),
				test.A("redis.default.service.nomad. 10 IN A 192.0.2.11"),
				test.AAAA("redis.default.service.nomad. 10 IN AAAA 2001:db8::10"),
			},
		},
		{
			// Another namespace, other registrations.
			Qname: "redis.prod.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("redis.prod.service.nomad. 10 IN A 198.51.100.1")},
		},
		{
			// The name exists, but has no IPv4 address: NODATA.
			Qname: "web.default.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Ns: []dns.RR{soaFor("web.default.service.nomad.")},
		},
		{
			// A type the plugin does not make: NODATA.
			Qname: "redis.default.service.nomad.", Qtype: dns.TypeTXT, Authoritative: true,
			Ns: []dns.RR{soaFor("redis.default.service.nomad.")},
		},
		{
			// No registrations: NXDOMAIN with the SOA in the answer section.
			Qname: "nope.default.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Rcode:  dns.RcodeNameError,
			Answer: []dns.RR{soaFor("nope.default.service.nomad.")},
		},
		{
			// Not SERVICE.NAMESPACE.ZONE.
			Qname: "a.b.c.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Rcode:  dns.RcodeNameError,
			Answer: []dns.RR{soaFor("a.b.c.service.nomad.")},
		},
		{
			Qname: "default.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
			Rcode:  dns.RcodeNameError,
			Answer: []dns.RR{soaFor("default.service.nomad.")},
		},
		{
			// Out of zone: the next plugin answers.
			Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused,
		},
	}
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rcode, err := n.ServeDNS(context.Background(), rec, tc.Msg())
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if rec.Msg == nil {
				if rcode != tc.Rcode {
					t.Fatalf("rcode %d, want %d", rcode, tc.Rcode)
				}
				return
			}
			if err := test.SortAndCheck(rec.Msg, tc); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestServeDNSKeepsCase(t *testing.T) {
	_, s := newFakeNomad(t, "")
	n := newTestNomad(t, "service.nomad.", "", 30, s.URL)
	tc := test.Case{
		Qname: "Redis.PROD.Service.Nomad.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("Redis.PROD.Service.Nomad. 30 IN A 198.51.100.1")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := n.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Fatal(err)
	}
	if rec.Msg.Answer[0].Header().Name != "Redis.PROD.Service.Nomad." {
		t.Errorf("owner %q, want the name as asked", rec.Msg.Answer[0].Header().Name)
	}
}

func TestServeDNSRootZone(t *testing.T) {
	_, s := newFakeNomad(t, "")
	n := newTestNomad(t, ".", "", 5, s.URL)
	tc := test.Case{
		Qname: "redis.prod.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("redis.prod. 5 IN A 198.51.100.1")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := n.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Fatal(err)
	}
}

func TestFailover(t *testing.T) {
	dead := httptest.NewServer(nil)
	deadURL := dead.URL
	dead.Close()
	f, s := newFakeNomad(t, "")
	n := newTestNomad(t, "service.nomad.", "", 10, deadURL, s.URL)

	tc := test.Case{
		Qname: "redis.prod.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("redis.prod.service.nomad. 10 IN A 198.51.100.1")},
	}
	for i := 0; i < 2; i++ {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := n.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Fatal(err)
		}
	}
	if got := n.current.Load(); got != 1 {
		t.Errorf("current agent %d, want 1 after the first one failed", got)
	}
	if got := f.hits.Load(); got != 2 {
		t.Errorf("live agent asked %d times, want 2", got)
	}
}

func TestLookupFailure(t *testing.T) {
	_, s := newFakeNomad(t, "secret")
	n := newTestNomad(t, "service.nomad.", "wrong", 10, s.URL)

	before := testutil.ToFloat64(failedCount.WithLabelValues("", "ops"))
	okBefore := testutil.ToFloat64(successCount.WithLabelValues("", "ops"))
	m := new(dns.Msg)
	m.SetQuestion("redis.ops.service.nomad.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rcode, err := n.ServeDNS(context.Background(), rec, m)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Fatalf("got rcode %d, error %v; want SERVFAIL and an error", rcode, err)
	}
	if rec.Msg != nil {
		t.Errorf("plugin wrote a reply, want the server to write SERVFAIL")
	}
	if got := testutil.ToFloat64(failedCount.WithLabelValues("", "ops")) - before; got != 1 {
		t.Errorf("failed requests grew by %v, want 1", got)
	}
	if got := testutil.ToFloat64(successCount.WithLabelValues("", "ops")) - okBefore; got != 0 {
		t.Errorf("success requests grew by %v, want 0", got)
	}
}

func TestSuccessMetric(t *testing.T) {
	_, s := newFakeNomad(t, "")
	n := newTestNomad(t, "service.nomad.", "", 10, s.URL)
	before := testutil.ToFloat64(successCount.WithLabelValues("", "metricsns"))
	m := new(dns.Msg)
	m.SetQuestion("x.metricsns.service.nomad.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := n.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	if rec.Msg.Rcode != dns.RcodeNameError {
		t.Errorf("rcode %s, want NXDOMAIN", dns.RcodeToString[rec.Msg.Rcode])
	}
	if got := testutil.ToFloat64(successCount.WithLabelValues("", "metricsns")) - before; got != 1 {
		t.Errorf("success requests grew by %v, want 1", got)
	}
}

func TestReady(t *testing.T) {
	_, s := newFakeNomad(t, "secret")
	if n := newTestNomad(t, "service.nomad.", "secret", 10, s.URL); !n.Ready() {
		t.Error("Ready() = false with a live agent")
	}
	if n := newTestNomad(t, "service.nomad.", "wrong", 10, s.URL); n.Ready() {
		t.Error("Ready() = true although the agent refused the token")
	}
}

// errAgent fails every call; it checks that a cancelled query stops the
// failover loop.
type errAgent struct{ calls *int }

func (e errAgent) services(context.Context, string, string) ([]*api.ServiceRegistration, error) {
	*e.calls++
	return nil, errors.New("down")
}
func (e errAgent) self() error { return errors.New("down") }

func TestLookupStopsWhenCancelled(t *testing.T) {
	calls := 0
	n := &Nomad{zone: "service.nomad.", agents: []agent{errAgent{&calls}, errAgent{&calls}, errAgent{&calls}}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := n.lookup(ctx, "redis", "default"); err == nil {
		t.Fatal("want an error")
	}
	if calls != 1 {
		t.Errorf("asked %d agents after cancellation, want 1", calls)
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		qname, zone, service, namespace string
		ok                              bool
	}{
		{"redis.default.service.nomad.", "service.nomad.", "redis", "default", true},
		{"service.nomad.", "service.nomad.", "", "", false},
		{"default.service.nomad.", "service.nomad.", "", "", false},
		{"a.b.c.service.nomad.", "service.nomad.", "", "", false},
		{"redis.default.", ".", "redis", "default", true},
		{"redis.", ".", "", "", false},
	}
	for _, tt := range tests {
		s, ns, ok := splitName(tt.qname, tt.zone)
		if s != tt.service || ns != tt.namespace || ok != tt.ok {
			t.Errorf("splitName(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.qname, tt.zone, s, ns, ok, tt.service, tt.namespace, tt.ok)
		}
	}
}

func TestUnixSocketAddress(t *testing.T) {
	f, _ := newFakeNomad(t, "")
	sock := filepath.Join(t.TempDir(), "api.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets here: %v", err)
	}
	srv := &http.Server{Handler: f}
	go srv.Serve(l)
	defer srv.Close()

	n := newTestNomad(t, "service.nomad.", "", 10, "unix://"+sock)
	tc := test.Case{
		Qname: "redis.prod.service.nomad.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("redis.prod.service.nomad. 10 IN A 198.51.100.1")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := n.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Fatal(err)
	}
}
