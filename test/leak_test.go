package test

import (
	"bytes"
	"fmt"
	"net"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestStopLeavesNoGoroutines runs a cluster-like server (cache, forward to a
// second block answered by template, errors, prometheus, health, ready,
// shed) through well-formed and malformed traffic on UDP and TCP, including
// TCP connections left idle or half-written, then stops it: every goroutine
// the server started must end.
func TestStopLeavesNoGoroutines(t *testing.T) {
	settle := func() int {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		return runtime.NumGoroutine()
	}
	base := settle()

	front, back := forwardPorts(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    errors
    prometheus 127.0.0.1:0
    health 127.0.0.1:0
    ready 127.0.0.1:0
    shed
    cache 30
    forward . 127.0.0.1:%d
}
.:%d {
    bind 127.0.0.1
    template IN A {
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
}
`, front, back, back)
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", front)

	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		for k := range 50 {
			m := new(dns.Msg)
			m.SetQuestion(fmt.Sprintf("q%d.example.org.", k%10), dns.TypeA)
			if _, _, err := c.Exchange(m, addr); err != nil {
				t.Fatalf("%s: %v", network, err)
			}
		}
	}
	// Malformed datagrams.
	u, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, pkt := range [][]byte{{1, 2, 3}, make([]byte, 12), bytes.Repeat([]byte{0xc0}, 40)} {
		u.Write(pkt) //nolint:errcheck // best effort
	}
	u.Close()
	// TCP connections that are idle, half-written, or send garbage.
	var conns []net.Conn
	for _, payload := range [][]byte{nil, {0, 40, 1, 2}, {0, 3, 0xff, 0xff, 0xff}} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if payload != nil {
			c.Write(payload) //nolint:errcheck // best effort
		}
		conns = append(conns, c)
	}
	time.Sleep(100 * time.Millisecond)

	CoreDNSServerStop(i)
	for _, c := range conns {
		c.Close()
	}

	deadline := time.Now().Add(10 * time.Second)
	n := settle()
	for n > base && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		n = settle()
	}
	if n > base {
		var buf bytes.Buffer
		pprof.Lookup("goroutine").WriteTo(&buf, 1) //nolint:errcheck // diagnostics
		t.Errorf("%d goroutines after stop, %d before start:\n%s", n, base, buf.String())
	}
}
