package forward

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/proxy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

func TestForwardHealthRecovery(t *testing.T) {
	good := startUpstream(t, answer("192.0.2.2"))
	// Hold a port for the first upstream, which starts out dead.
	dead := deadAddr(t)
	f := newForward(t, "forward . "+dead+" "+good+" {\npolicy sequential\nmax_fails 1\nhealth_check 20ms\n}")
	first := f.proxies[0]

	want := func(ip string) test.Case {
		return test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A " + ip)}}
	}
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, want("192.0.2.2")); err != nil {
		t.Error(err)
	}
	waitFor(t, func() bool { return first.Down(1) }, "dead upstream marked down")

	// Bring the first upstream up on its port: health checks mark it up and
	// the sequential policy goes back to it.
	pc, err := net.ListenPacket("udp", dead)
	if err != nil {
		t.Skipf("cannot reuse port: %v", err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: answer("192.0.2.1")}
	go srv.ActivateAndServe()
	defer srv.Shutdown()

	waitFor(t, func() bool { return first.Fails() == 0 }, "upstream healthy again")
	rec, _, err = serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, want("192.0.2.1")); err != nil {
		t.Error(err)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func counter(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// markDown makes p look down to a forward with max_fails 1.
func markDown(t *testing.T, p *proxy.Proxy) {
	t.Helper()
	hc := p.GetHealthchecker()
	for p.Fails() < 2 {
		if err := hc.Check(p); err == nil {
			t.Fatal("health check of a dead upstream passed")
		}
	}
}

func TestForwardAllDown(t *testing.T) {
	// Both upstreams fail their health checks, but one does answer queries
	// over TCP: with every upstream down, a random one is still tried.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: l, Handler: answer("192.0.2.1")}
	go srv.ActivateAndServe()
	defer srv.Shutdown()
	tcpOnly := l.Addr().String()

	f := newForward(t, "forward . "+tcpOnly+" {\nmax_fails 1\nhealth_check 1h\n}")
	markDown(t, f.proxies[0])

	before := counter(t, healthcheckBrokenCount)
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, true)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if len(rec.Msg.Answer) != 1 {
		t.Errorf("answer %v", rec.Msg)
	}
	if got := counter(t, healthcheckBrokenCount) - before; got != 1 {
		t.Errorf("healthcheck_broken_total went up by %v, want 1", got)
	}

	// failfast_all_unhealthy_upstreams: SERVFAIL at once.
	f = newForward(t, "forward . "+tcpOnly+" {\nmax_fails 1\nhealth_check 1h\nfailfast_all_unhealthy_upstreams\n}")
	markDown(t, f.proxies[0])
	rec, rc, err = serve(t, f, "example.org.", dns.TypeA, true)
	if rc != dns.RcodeServerFailure || !errors.Is(err, proxy.ErrNoHealthy) || rec.Msg != nil {
		t.Errorf("failfast: rcode %d, err %v, msg %v; want SERVFAIL with ErrNoHealthy", rc, err, rec.Msg)
	}
}

func TestForwardConnectAttempts(t *testing.T) {
	// An upstream that reads queries and never answers, counting them.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var seen atomic.Int32
	go func() {
		buf := make([]byte, 512)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			seen.Add(1)
		}
	}()
	addr := pc.LocalAddr().String()

	tests := []struct {
		options string
		want    int32 // 0: more than 3
	}{
		{"", 2},                       // default: two passes over one upstream
		{"max_connect_attempts 1", 1}, // explicit cap
		{"max_connect_attempts 3", 3}, //
		{"max_connect_attempts 0", 0}, // no cap: goes on until the context ends
	}
	for _, tc := range tests {
		f := newForward(t, "forward . "+addr+" {\nmax_fails 0\n"+tc.options+"\n}")
		for _, p := range f.proxies {
			p.SetReadTimeout(40 * time.Millisecond)
		}
		seen.Store(0)
		ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		rc, err := f.ServeDNS(ctx, dnstest.NewRecorder(&test.ResponseWriter{}), m)
		cancel()
		if rc != dns.RcodeServerFailure || err == nil {
			t.Errorf("%q: rcode %d, err %v", tc.options, rc, err)
		}
		time.Sleep(20 * time.Millisecond)
		got := seen.Load()
		if (tc.want == 0 && got <= 3) || (tc.want != 0 && got != tc.want) {
			t.Errorf("%q: upstream saw %d queries, want %d (0: more than 3)", tc.options, got, tc.want)
		}
	}
}
