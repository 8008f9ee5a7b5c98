package test

import (
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/shed"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestShedAnswers checks that shed changes no answer, over UDP and TCP, with
// one socket or several, and with shed in two blocks on one address.
func TestShedAnswers(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	corefiles := map[string]string{
		"without shed": `.:0 {
	bind 127.0.0.1
	whoami
}`,
		"shed": `.:0 {
	bind 127.0.0.1
	shed
	whoami
}`,
		"multisocket and two blocks": `example.org:` + p + ` {
	bind 127.0.0.1
	multisocket 2
	shed
	whoami
}
example.net:` + p + ` {
	bind 127.0.0.1
	shed
	whoami
}`,
	}
	for name, corefile := range corefiles {
		t.Run(name, func(t *testing.T) {
			udp, tcp := startServer(t, corefile)
			for _, proto := range []string{"udp", "tcp"} {
				addr := udp
				if proto == "tcp" {
					addr = tcp
				}
				c := &dns.Client{Net: proto, Timeout: 2 * time.Second}
				for _, qname := range []string{"example.org.", "www.example.net."} {
					for range 3 {
						m := new(dns.Msg)
						m.SetQuestion(qname, dns.TypeA)
						resp, _, err := c.Exchange(m, addr)
						if err != nil {
							t.Fatalf("%s %s: %v", proto, qname, err)
						}
						checkServerWhoami(t, proto, qname, dns.TypeA, resp)
					}
				}
			}
		})
	}
}

// TestShedFlood sends 20000 UDP queries at once from 8 sockets. Some may be
// lost (by the kernel or shed); every answer that comes back must be the
// right one, and the server must answer normally afterwards.
func TestShedFlood(t *testing.T) {
	i, udp, _, err := CoreDNSServerAndPorts(`.:0 {
	bind 127.0.0.1
	shed
	whoami
}`)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer CoreDNSServerStop(i)
	raddr, err := net.ResolveUDPAddr("udp", udp)
	if err != nil {
		t.Fatal(err)
	}

	const senders, perSender = 8, 2500
	evicted0, overload0 := shedDropped(t, "evicted"), shedDropped(t, "overload")
	var answered, wrong atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for g := range senders {
		conn, err := net.DialUDP("udp", nil, raddr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetReadBuffer(4 << 20) //nolint:errcheck // best effort
		port := strconv.Itoa(conn.LocalAddr().(*net.UDPAddr).Port)
		qname := func(id uint16) string { return "q" + strconv.Itoa(int(id)) + ".s" + strconv.Itoa(g) + ".example.org." }

		wg.Go(func() { // reader
			seen := make([]bool, perSender)
			buf := make([]byte, 1024)
			for n := 0; n < perSender; n++ {
				conn.SetReadDeadline(time.Now().Add(time.Second)) //nolint:errcheck // test
				k, err := conn.Read(buf)
				if err != nil {
					return // timed out: the rest were lost
				}
				resp := new(dns.Msg)
				if err := resp.Unpack(buf[:k]); err != nil || int(resp.Id) >= perSender || seen[resp.Id] {
					wrong.Add(1)
					continue
				}
				seen[resp.Id] = true
				want := qname(resp.Id)
				if len(resp.Question) != 1 || resp.Question[0].Name != want {
					wrong.Add(1)
					t.Errorf("reply %d of socket %d: question %v, want %s", resp.Id, g, resp.Question, want)
					continue
				}
				if err := shedCheckWhoami(resp, want, port); err != nil {
					wrong.Add(1)
					t.Errorf("reply %d of socket %d: %v", resp.Id, g, err)
					continue
				}
				answered.Add(1)
			}
		})
		wg.Go(func() { // sender
			for id := range uint16(perSender) {
				m := new(dns.Msg)
				m.SetQuestion(qname(id), dns.TypeA)
				m.Id = id
				b, err := m.Pack()
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := conn.Write(b); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d queries in %v: %d answered, %d wrong; shed dropped %v evicted, %v overload",
		senders*perSender, time.Since(start).Round(time.Millisecond), answered.Load(), wrong.Load(),
		shedDropped(t, "evicted")-evicted0, shedDropped(t, "overload")-overload0)
	if answered.Load() == 0 {
		t.Error("no query answered")
	}

	// The server still answers.
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	m := new(dns.Msg)
	m.SetQuestion("after.example.org.", dns.TypeA)
	var resp *dns.Msg
	for range 3 {
		if resp, _, err = c.Exchange(m, udp); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("no answer after the flood: %v", err)
	}
	checkServerWhoami(t, "udp", "after.example.org.", dns.TypeA, resp)
}

// TestShedStopAndReload checks that no writer goroutine of shed outlives
// its server: not after a reload, a stop, or a stop without the shutdown
// callbacks.
func TestShedStopAndReload(t *testing.T) {
	const corefile = `.:0 {
	bind 127.0.0.1
	shed
	whoami
}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	query := func(addr string) {
		t.Helper()
		c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
		m := new(dns.Msg)
		m.SetQuestion("reload.example.org.", dns.TypeA)
		resp, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatal(err)
		}
		checkServerWhoami(t, "udp", "reload.example.org.", dns.TypeA, resp)
	}
	query(udp)
	if n := shedWriters(); n != 1 {
		t.Errorf("%d shed writers after a query, want 1", n)
	}

	// The writer lingers a second when idle; the old instance's must go at
	// once on reload.
	i2, err := i.Restart(NewInput(corefile))
	if err != nil {
		CoreDNSServerStop(i)
		t.Fatalf("reload: %v", err)
	}
	waitShedWriters(t, "after reload", 0, 500*time.Millisecond)
	udp2, _ := CoreDNSServerPorts(i2, 0)
	query(udp2)
	if n := shedWriters(); n != 1 {
		t.Errorf("%d shed writers after a query to the reloaded server, want 1", n)
	}
	CoreDNSServerStop(i2)
	waitShedWriters(t, "after stop", 0, 500*time.Millisecond)

	// Stopped without the shutdown callbacks, the writer goes once idle.
	i3, udp3, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	query(udp3)
	i3.Stop() //nolint:errcheck // test
	waitShedWriters(t, "after stop without callbacks", 0, 3*time.Second)
	i3.ShutdownCallbacks()
}

// shedCheckWhoami checks a whole whoami answer for qname to a UDP client on
// 127.0.0.1:port.
func shedCheckWhoami(resp *dns.Msg, qname, port string) error {
	return test.SortAndCheck(resp, whoamiCase(qname, "127.0.0.1", port, "udp"))
}

// shedWriters counts shed's writer goroutines.
func shedWriters() int {
	buf := make([]byte, 4<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "plugin/shed.(*socket).run(")
}

func waitShedWriters(t *testing.T, when string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for shedWriters() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d shed writers, want %d", when, shedWriters(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// shedDropped sums coredns_shed_dropped_total over servers for reason.
func shedDropped(t *testing.T, reason string) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 64)
	go func() { shed.DroppedCount.Collect(ch); close(ch) }()
	var sum float64
	for m := range ch {
		var d dto.Metric
		if err := m.Write(&d); err != nil {
			t.Fatal(err)
		}
		for _, l := range d.GetLabel() {
			if l.GetName() == "reason" && l.GetValue() == reason {
				sum += d.GetCounter().GetValue()
			}
		}
	}
	return sum
}
