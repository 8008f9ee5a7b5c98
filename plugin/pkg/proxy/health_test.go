package proxy

import (
	"crypto/tls"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
)

// recordingServer answers with REFUSED (still healthy) and keeps the last
// question and RD bit it saw.
func recordingServer(t *testing.T) (*dnstest.Server, *atomic.Pointer[dns.Msg]) {
	t.Helper()
	var last atomic.Pointer[dns.Msg]
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		last.Store(r.Copy())
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		w.WriteMsg(m)
	})
	t.Cleanup(s.Close)
	return s, &last
}

func TestHealthCheckQuery(t *testing.T) {
	s, last := recordingServer(t)

	tests := []struct {
		name       string
		rd         bool
		domain     string
		wantDomain string
	}{
		{"defaults", true, ".", "."},
		{"no_rec", false, ".", "."},
		{"domain", true, "example.org", "example.org."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProxy("test", s.Addr, transport.DNS)
			hc := NewHealthChecker("test", transport.DNS, tc.rd, tc.domain)
			p.health = hc
			p.fails = 3
			if err := hc.Check(p); err != nil {
				t.Fatalf("Check: %v", err)
			}
			if p.Fails() != 0 {
				t.Errorf("fails = %d after a good check, want 0", p.Fails())
			}
			q := last.Load()
			if q == nil {
				t.Fatal("no health check query arrived")
			}
			if got := q.Question[0]; got.Name != tc.wantDomain || got.Qtype != dns.TypeNS || got.Qclass != dns.ClassINET {
				t.Errorf("question %v, want %s IN NS", got, tc.wantDomain)
			}
			if q.RecursionDesired != tc.rd {
				t.Errorf("RD = %v, want %v", q.RecursionDesired, tc.rd)
			}
		})
	}
}

func TestHealthCheckFailure(t *testing.T) {
	// Nothing answers on a closed UDP port.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()

	p := NewProxy("hcfail", addr, transport.DNS)
	p.GetHealthchecker().SetReadTimeout(100 * time.Millisecond)
	p.GetHealthchecker().SetWriteTimeout(100 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		if err := p.GetHealthchecker().Check(p); err == nil {
			t.Fatalf("check %d succeeded against nothing", i)
		}
		if p.Fails() != uint32(i) {
			t.Errorf("fails = %d after %d failed checks", p.Fails(), i)
		}
	}
	if !p.Down(2) {
		t.Error("not down after 3 failed checks with max_fails 2")
	}
	if got := counterValue(t, healthcheckFailureCount.WithLabelValues("hcfail", addr)); got != 3 {
		t.Errorf("healthcheck_failures_total = %v, want 3", got)
	}
}

func TestHealthcheckRecovers(t *testing.T) {
	// Reserve a port, then bring an upstream up on it while the proxy is
	// being health checked in the background.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()

	p := NewProxy("test", addr, transport.DNS)
	p.GetHealthchecker().SetReadTimeout(50 * time.Millisecond)
	p.Start(20 * time.Millisecond)
	defer p.Stop()

	p.Healthcheck()
	waitFor(t, func() bool { return p.Down(1) }, "upstream down")

	pc, err = net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("port reuse failed: %v", err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	defer srv.Shutdown()

	waitFor(t, func() bool { return p.Fails() == 0 }, "upstream healthy again")
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

func TestHealthCheckerSettings(t *testing.T) {
	if hc := NewHealthChecker("test", transport.GRPC, true, "."); hc != nil {
		t.Error("a health checker for grpc, want nil")
	}

	hc := NewHealthChecker("test", transport.DNS, true, ".")
	d := hc.(*dnsHc)
	if d.c.Net != "udp" {
		t.Errorf("net %q, want udp", d.c.Net)
	}
	hc.SetLocalAddress(net.ParseIP("127.0.0.1"))
	if got := d.c.Dialer.LocalAddr.String(); got != "127.0.0.1:0" {
		t.Errorf("dialer local address %s, want 127.0.0.1:0", got)
	}
	if _, ok := d.c.Dialer.LocalAddr.(*net.UDPAddr); !ok {
		t.Errorf("dialer local address is %T, want *net.UDPAddr", d.c.Dialer.LocalAddr)
	}
	hc.SetTCPTransport()
	if d.c.Net != "tcp" {
		t.Errorf("net %q after SetTCPTransport, want tcp", d.c.Net)
	}
	if _, ok := d.c.Dialer.LocalAddr.(*net.TCPAddr); !ok {
		t.Errorf("dialer local address is %T after SetTCPTransport, want *net.TCPAddr", d.c.Dialer.LocalAddr)
	}
	cfg := &tls.Config{ServerName: "dns.example"}
	hc.SetTLSConfig(cfg)
	if d.c.Net != "tcp-tls" || hc.GetTLSConfig() != cfg {
		t.Errorf("net %q after SetTLSConfig, want tcp-tls with the config", d.c.Net)
	}
	hc.SetDomain("example.net")
	hc.SetRecursionDesired(false)
	hc.SetReadTimeout(3 * time.Second)
	hc.SetWriteTimeout(4 * time.Second)
	if hc.GetDomain() != "example.net." || hc.GetRecursionDesired() || hc.GetReadTimeout() != 3*time.Second ||
		hc.GetWriteTimeout() != 4*time.Second || !hc.GetLocalAddress().Equal(net.ParseIP("127.0.0.1")) {
		t.Errorf("settings did not stick: %s %v %v %v %v", hc.GetDomain(), hc.GetRecursionDesired(),
			hc.GetReadTimeout(), hc.GetWriteTimeout(), hc.GetLocalAddress())
	}

	tlsHc := NewHealthChecker("test", transport.TLS, true, ".").(*dnsHc)
	if tlsHc.c.Net != "tcp-tls" {
		t.Errorf("tls health checker net %q, want tcp-tls", tlsHc.c.Net)
	}
}
