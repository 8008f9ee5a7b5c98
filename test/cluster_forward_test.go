package test

import (
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// fakeUpstream is a DNS server written in the test, on UDP and TCP of one
// loopback port, for upstream behaviour no plugin produces: slowness, wrong
// IDs, truncation by transport. It counts the queries per transport.
type fakeUpstream struct {
	addr     string
	udp, tcp atomic.Int64
	servers  []*dns.Server
}

// startFakeUpstream serves handle on addr ("127.0.0.1:0" for any port).
// handle gets the transport, "udp" or "tcp", with the query.
func startFakeUpstream(t *testing.T, addr string, handle func(w dns.ResponseWriter, r *dns.Msg, network string)) *fakeUpstream {
	t.Helper()
	u := &fakeUpstream{}
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	// With port 0 the UDP port may already be taken for TCP: try again.
	for range 20 {
		pc, err = net.ListenPacket("udp", addr)
		if err != nil {
			t.Fatalf("fake upstream: %v", err)
		}
		u.addr = pc.LocalAddr().String()
		l, err = net.Listen("tcp", u.addr)
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatalf("fake upstream: %v", err)
	}
	for _, network := range []string{"udp", "tcp"} {
		counter := &u.udp
		if network == "tcp" {
			counter = &u.tcp
		}
		h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
			counter.Add(1)
			handle(w, r, network)
		})
		started := make(chan struct{})
		s := &dns.Server{PacketConn: pc, Handler: h, NotifyStartedFunc: func() { close(started) }}
		if network == "tcp" {
			s = &dns.Server{Listener: l, Handler: h, NotifyStartedFunc: func() { close(started) }}
		}
		go s.ActivateAndServe() //nolint:errcheck // ends with Shutdown
		<-started
		u.servers = append(u.servers, s)
	}
	t.Cleanup(u.stop)
	return u
}

func (u *fakeUpstream) stop() {
	for _, s := range u.servers {
		s.Shutdown() //nolint:errcheck // tests
	}
	u.servers = nil
}

// answerA replies to r with one A record of address ip.
func answerA(r *dns.Msg, ip string) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{test.A(r.Question[0].Name + " 60 IN A " + ip)}
	return m
}

// clusterQuery sends an A query for qname over network and returns the reply
// and how long it took.
func clusterQuery(t *testing.T, network, addr, qname string, timeout time.Duration) (*dns.Msg, time.Duration) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(qname, dns.TypeA)
	c := &dns.Client{Net: network, Timeout: timeout}
	start := time.Now()
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %s to %s: %v", network, qname, addr, err)
	}
	if r.Id != m.Id {
		t.Errorf("reply ID %d, want %d", r.Id, m.Id)
	}
	return r, time.Since(start)
}

func TestClusterForwardSlowUpstream(t *testing.T) {
	// "slow." answers after 300ms, within the 2s read timeout; "stuck." never
	// in time.
	up := startFakeUpstream(t, "127.0.0.1:0", func(w dns.ResponseWriter, r *dns.Msg, _ string) {
		switch r.Question[0].Name {
		case "slow.example.org.":
			time.Sleep(300 * time.Millisecond)
		case "stuck.example.org.":
			time.Sleep(3 * time.Second)
		}
		w.WriteMsg(answerA(r, "192.0.2.1")) //nolint:errcheck // tests
	})
	corefile := fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    forward . %s\n}\n", up.addr)
	udp, tcp := startServer(t, corefile)

	var wg sync.WaitGroup
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			r, took := clusterQuery(t, network, addr, "slow.example.org.", 6*time.Second)
			want := test.Case{Qname: "slow.example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{test.A("slow.example.org. 60 IN A 192.0.2.1")}}
			if err := test.SortAndCheck(r, want); err != nil {
				t.Errorf("%s slow: %v", network, err)
			}
			if took < 300*time.Millisecond || took > 2*time.Second {
				t.Errorf("%s slow: answered in %v", network, took)
			}
		}()
		go func() {
			defer wg.Done()
			// Two attempts of the 2s read timeout, within the 5s budget of
			// a query, then SERVFAIL.
			r, took := clusterQuery(t, network, addr, "stuck.example.org.", 8*time.Second)
			want := test.Case{Qname: "stuck.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure}
			if err := test.SortAndCheck(r, want); err != nil {
				t.Errorf("%s stuck: %v", network, err)
			}
			if took < 2*time.Second || took > 5500*time.Millisecond {
				t.Errorf("%s stuck: SERVFAIL after %v, want between the read timeout and the query budget", network, took)
			}
		}()
	}
	wg.Wait()
}

func TestClusterForwardMismatchedReplies(t *testing.T) {
	// Before the true reply the upstream sends two forgeries: one with the
	// wrong ID and one for another question. Neither may reach the client
	// or the cache.
	up := startFakeUpstream(t, "127.0.0.1:0", func(w dns.ResponseWriter, r *dns.Msg, _ string) {
		wrongID := answerA(r, "203.0.113.66")
		wrongID.Id = r.Id + 1
		w.WriteMsg(wrongID) //nolint:errcheck // tests
		other := r.Copy()
		other.Question[0].Name = "attacker.example.net."
		w.WriteMsg(answerA(other, "203.0.113.67")) //nolint:errcheck // tests
		w.WriteMsg(answerA(r, "192.0.2.1"))        //nolint:errcheck // tests
	})
	corefile := fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    cache 60\n    forward . %s\n}\n", up.addr)
	udp, tcp := startServer(t, corefile)

	for k, network := range []string{"udp", "tcp", "udp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		qname := "www" + strconv.Itoa(k%2) + ".example.org."
		for range 2 { // the second one is a cache hit
			r, _ := clusterQuery(t, network, addr, qname, 3*time.Second)
			want := test.Case{Qname: qname, Qtype: dns.TypeA,
				Answer: []dns.RR{test.A(qname + " 60 IN A 192.0.2.1")}}
			if err := test.SortAndCheck(r, want); err != nil {
				t.Errorf("%s %s: %v", network, qname, err)
			}
		}
	}
	if n := up.udp.Load() + up.tcp.Load(); n != 2 {
		t.Errorf("upstream got %d queries, want 2 (the rest are cache hits)", n)
	}
}

func TestClusterForwardTruncation(t *testing.T) {
	// Over UDP the upstream always truncates; over TCP it gives 40 records.
	up := startFakeUpstream(t, "127.0.0.1:0", func(w dns.ResponseWriter, r *dns.Msg, network string) {
		m := new(dns.Msg)
		m.SetReply(r)
		if network == "udp" {
			m.Truncated = true
		} else {
			for k := 1; k <= 40; k++ {
				m.Answer = append(m.Answer, test.A(r.Question[0].Name+" 60 IN A 192.0.2."+strconv.Itoa(k)))
			}
		}
		w.WriteMsg(m) //nolint:errcheck // tests
	})

	tests := []struct {
		option  string // forward block property
		network string // the client's transport
		udp     int64  // queries the upstream should see over UDP
		tcp     int64  // and over TCP
		tc      bool   // the client gets TC
	}{
		// The client's transport is used and a truncated reply passes on:
		// the client retries over TCP itself.
		{"", "udp", 1, 0, true},
		{"", "tcp", 0, 1, false},
		// prefer_udp asks over UDP, then over TCP on truncation.
		{"prefer_udp", "tcp", 1, 1, false},
		{"prefer_udp", "udp", 1, 1, true}, // 40 records do not fit in 512 bytes
		// force_tcp always asks over TCP.
		{"force_tcp", "udp", 0, 1, true},
		{"force_tcp", "tcp", 0, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.option+"/"+tc.network, func(t *testing.T) {
			up.udp.Store(0)
			up.tcp.Store(0)
			corefile := fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    forward . %s {\n        %s\n    }\n}\n", up.addr, tc.option)
			udp, tcp := startServer(t, corefile)
			addr := udp
			if tc.network == "tcp" {
				addr = tcp
			}
			r, _ := clusterQuery(t, tc.network, addr, "big.example.org.", 3*time.Second)
			if r.Rcode != dns.RcodeSuccess || r.Truncated != tc.tc {
				t.Errorf("reply rcode %s TC %v, want NOERROR TC %v", dns.RcodeToString[r.Rcode], r.Truncated, tc.tc)
			}
			if !tc.tc && len(r.Answer) != 40 {
				t.Errorf("got %d answers, want 40", len(r.Answer))
			}
			if u, c := up.udp.Load(), up.tcp.Load(); u != tc.udp || c != tc.tcp {
				t.Errorf("upstream saw %d UDP and %d TCP queries, want %d and %d", u, c, tc.udp, tc.tcp)
			}
		})
	}
}

func TestClusterForwardHealthRecovery(t *testing.T) {
	// Upstream A is tried first but not running; B, a second server block,
	// answers meanwhile. Once health checks marked A down it is skipped;
	// when A comes up the health checks, not queries, bring it back.
	front, back := forwardPorts(t)
	aPort, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	aAddr := "127.0.0.1:" + strconv.Itoa(aPort)
	metricsAddr := freeAddr(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    prometheus %s
    forward . %s 127.0.0.1:%d {
        policy sequential
        health_check 50ms
        max_fails 2
    }
}
.:%d {
    bind 127.0.0.1
    template IN A {
        answer "{{ .Name }} 60 IN A 192.0.2.2"
    }
}
`, front, metricsAddr, aAddr, back, back)
	udp, _ := startForward(t, corefile, front)

	answer := func() string {
		r, _ := clusterQuery(t, "udp", udp, "www.example.org.", 3*time.Second)
		if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
			t.Fatalf("want one A record, got\n%v", r)
		}
		return r.Answer[0].(*dns.A).A.String()
	}
	if got := answer(); got != "192.0.2.2" {
		t.Fatalf("answer %s, want B's 192.0.2.2 while A is down", got)
	}
	// More than max_fails failed checks mark A down.
	deadline := time.Now().Add(5 * time.Second)
	for test.ScrapeMetricAsInt(metricsAddr, "coredns_proxy_healthcheck_failures_total", aAddr, 0) <= 2 {
		if time.Now().After(deadline) {
			t.Fatal("A never failed more than max_fails health checks")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := answer(); got != "192.0.2.2" {
		t.Fatalf("answer %s, want B's 192.0.2.2 while A is down", got)
	}

	startFakeUpstream(t, aAddr, func(w dns.ResponseWriter, r *dns.Msg, _ string) {
		w.WriteMsg(answerA(r, "192.0.2.1")) //nolint:errcheck // tests
	})
	deadline = time.Now().Add(5 * time.Second)
	for answer() != "192.0.2.1" {
		if time.Now().After(deadline) {
			t.Fatal("A never came back after it started answering")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestClusterForwardMaxConcurrent(t *testing.T) {
	// Queries past max_concurrent are REFUSED at once and counted.
	release := make(chan struct{})
	up := startFakeUpstream(t, "127.0.0.1:0", func(w dns.ResponseWriter, r *dns.Msg, _ string) {
		<-release
		w.WriteMsg(answerA(r, "192.0.2.1")) //nolint:errcheck // tests
	})
	metricsAddr := freeAddr(t)
	corefile := fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    prometheus %s\n    forward . %s {\n        max_concurrent 2\n    }\n}\n", metricsAddr, up.addr)
	udp, _ := startServer(t, corefile)
	before := test.ScrapeMetricAsInt(metricsAddr, "coredns_forward_max_concurrent_rejects_total", "", 0)

	var wg sync.WaitGroup
	for k := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clusterQuery(t, "udp", udp, "held"+strconv.Itoa(k)+".example.org.", 5*time.Second)
		}()
	}
	deadline := time.Now().Add(3 * time.Second)
	for up.udp.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the two held queries never reached the upstream")
		}
		time.Sleep(10 * time.Millisecond)
	}
	r, _ := clusterQuery(t, "udp", udp, "third.example.org.", 2*time.Second)
	if err := test.SortAndCheck(r, test.Case{Qname: "third.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused}); err != nil {
		t.Error(err)
	}
	close(release)
	wg.Wait()
	if got := test.ScrapeMetricAsInt(metricsAddr, "coredns_forward_max_concurrent_rejects_total", "", 0); got != before+1 {
		t.Errorf("coredns_forward_max_concurrent_rejects_total = %d, want %d", got, before+1)
	}
}
