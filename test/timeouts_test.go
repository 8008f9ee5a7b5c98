package test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestTimeoutsIdle(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		timeouts {
			idle 1s
		}
		erratic {
			drop 0
		}
	}`
	_, tcp := startServer(t, corefile)

	conn, err := dns.DialTimeout("tcp", tcp, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := new(dns.Msg)
	m.SetQuestion("a.example.org.", dns.TypeA)
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if err := conn.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	resp, err := conn.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	tc := test.Case{Qname: "a.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("a.example.org. 0 IN A 192.0.2.53")}}
	if err := test.SortAndCheck(resp, tc); err != nil {
		t.Error(err)
	}

	// The default idle timeout is 10s; with 1s the server hangs up well
	// within the 5s deadline.
	start := time.Now()
	_, err = conn.ReadMsg()
	var nerr net.Error
	switch {
	case errors.As(err, &nerr) && nerr.Timeout():
		t.Fatalf("connection still open after %v", time.Since(start))
	case err == nil:
		t.Fatal("unexpected second message")
	case !errors.Is(err, io.EOF) && time.Since(start) > 3*time.Second:
		t.Fatalf("connection ended after %v: %v", time.Since(start), err)
	}
}

func TestTimeoutsInvalid(t *testing.T) {
	for _, block := range []string{"timeouts", "timeouts {\n\t\t\tread 500ms\n\t\t}", "timeouts {\n\t\t\tbogus 5s\n\t\t}"} {
		corefile := `example.org:0 {
		bind 127.0.0.1
		` + block + `
		whoami
	}`
		i, _, _, err := CoreDNSServerAndPorts(corefile)
		if err == nil {
			i.Stop()
			t.Errorf("server started with %q", block)
		}
	}
}
