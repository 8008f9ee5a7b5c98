package shed

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// answer is the next plugin of the tests: it answers every query with one A
// record.
var answer = plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{test.A(r.Question[0].Name + " 5 IN A 192.0.2.53")}
	w.WriteMsg(m) //nolint:errcheck // test
	return dns.RcodeSuccess, nil
})

func TestServeDNS(t *testing.T) {
	passed := test.Case{
		Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("example.org. 5 IN A 192.0.2.53")},
	}
	tests := []struct {
		name     string
		full     bool // the socket's stack is full
		tcp      bool
		noServer bool // no server in the context
		unknown  bool // a server without a UDP socket of shed's
		shed     bool // the query is dropped
	}{
		{name: "udp, room left"},
		{name: "udp, full", full: true, shed: true},
		{name: "tcp, room left", tcp: true},
		{name: "tcp, full", full: true, tcp: true},
		{name: "no server", full: true, noServer: true},
		{name: "other server", full: true, unknown: true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := &dnsserver.Server{Addr: "dns://handler-" + strconv.Itoa(i) + ":53"}
			reg := newRegistry()
			reg.decorator(srv)
			s := reg.lookup(srv)
			s.running = true // no writer: the stack stays as filled
			if tc.full {
				for range stackSize {
					s.push(&recWriter{}, []byte("old"))
				}
			}
			overload0 := dropped(srv.Addr, reasonOverload)

			ctx := context.Background()
			switch {
			case tc.unknown:
				ctx = context.WithValue(ctx, dnsserver.Key{}, &dnsserver.Server{Addr: srv.Addr})
			case !tc.noServer:
				ctx = context.WithValue(ctx, dnsserver.Key{}, srv)
			}
			h := &Shed{Next: answer, reg: reg}
			rec := dnstest.NewRecorder(&test.ResponseWriter{TCP: tc.tcp})
			rc, err := h.ServeDNS(ctx, rec, passed.Msg())
			if rc != dns.RcodeSuccess || err != nil {
				t.Fatalf("ServeDNS = %d, %v; want %d, nil", rc, err, dns.RcodeSuccess)
			}

			var wantDrops float64
			if tc.shed {
				wantDrops = 1
				if rec.Msg != nil || rec.Len != 0 {
					t.Errorf("a shed query got a reply: %v", rec.Msg)
				}
			} else {
				if rec.Msg == nil {
					t.Fatal("no reply")
				}
				if err := test.SortAndCheck(rec.Msg, passed); err != nil {
					t.Error(err)
				}
			}
			if n := dropped(srv.Addr, reasonOverload) - overload0; n != wantDrops {
				t.Errorf("overload counter went up by %v, want %v", n, wantDrops)
			}
		})
	}
}

// TestServeDNSNoNext checks the error of a shed without a next plugin.
func TestServeDNSNoNext(t *testing.T) {
	h := &Shed{reg: newRegistry()}
	rc, err := h.ServeDNS(context.Background(), &test.ResponseWriter{}, new(dns.Msg).SetQuestion("example.org.", dns.TypeA))
	if rc != dns.RcodeServerFailure || err == nil {
		t.Errorf("ServeDNS = %d, %v; want SERVFAIL and an error", rc, err)
	}
}

func TestRegistry(t *testing.T) {
	reg := newRegistry()
	a := &dnsserver.Server{Addr: "dns://registry-a:53"}
	b := &dnsserver.Server{Addr: "dns://registry-b:53"}
	reg.decorator(a)
	reg.decorator(b)
	sa, sb := reg.lookup(a), reg.lookup(b)
	if sa == nil || sb == nil || sa == sb {
		t.Fatalf("sockets %p %p: want two distinct ones", sa, sb)
	}
	if reg.lookup(&dnsserver.Server{}) != nil {
		t.Error("found a socket for an unknown server")
	}

	// A second call for the same server replaces its socket.
	reg.decorator(a)
	if s := reg.lookup(a); s == sa || !sa.closed {
		t.Error("the socket of a server was not replaced")
	}

	if err := reg.shutdown(); err != nil {
		t.Fatal(err)
	}
	if !reg.lookup(a).closed || !sb.closed {
		t.Error("shutdown left a socket open")
	}
	// A server started after shutdown gets a closed socket.
	c := &dnsserver.Server{Addr: "dns://registry-c:53"}
	reg.decorator(c)
	if !reg.lookup(c).closed {
		t.Error("a socket made after shutdown is open")
	}
}

// TestMetricName checks the collector against shared/api/metrics.txt.
func TestMetricName(t *testing.T) {
	ch := make(chan *prometheus.Desc, 1)
	DroppedCount.Describe(ch)
	d := (<-ch).String()
	for _, want := range []string{`fqName: "coredns_shed_dropped_total"`, `variableLabels: {server,reason}`} {
		if !strings.Contains(d, want) {
			t.Errorf("collector %s lacks %s", d, want)
		}
	}
}
