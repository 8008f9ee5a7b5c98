package test

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// whoamiCase is whoami's whole answer to a query from 127.0.0.1; the SRV
// port is the client's and is checked separately.
func serverWhoamiCase(qname string, qtype uint16, network string) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Authoritative: true, Extra: []dns.RR{
		test.A(qname + " 0 IN A 127.0.0.1"),
		test.SRV("_" + network + "." + qname + " 0 IN SRV 0 0 0 ."),
	}}
}

// checkWhoami checks resp against whoamiCase, with the SRV port as the
// client's source port.
func checkServerWhoami(t *testing.T, network, qname string, qtype uint16, resp *dns.Msg) {
	t.Helper()
	for _, rr := range resp.Extra {
		if srv, ok := rr.(*dns.SRV); ok {
			if srv.Port == 0 {
				t.Errorf("%s: SRV port is 0, want the client's port", network)
			}
			srv.Port = 0
		}
	}
	if err := test.SortAndCheck(resp, serverWhoamiCase(qname, qtype, network)); err != nil {
		t.Errorf("%s: %v", network, err)
	}
}

func TestServerStartQueryStop(t *testing.T) {
	i, udp, tcp, err := CoreDNSServerAndPorts(".:0 {\n    bind 127.0.0.1\n    whoami\n}\n")
	if err != nil {
		t.Fatalf("could not start: %v", err)
	}
	// With port 0 the UDP and TCP sockets each get their own free port.
	if udp == "" || tcp == "" {
		t.Fatalf("addresses udp %q tcp %q; want both", udp, tcp)
	}
	for _, nw := range transports(udp, tcp) {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		checkServerWhoami(t, nw.network, "example.org.", dns.TypeA, e2eExchange(t, nw.network, nw.addr, m))
	}

	CoreDNSServerStop(i)

	// Nothing answers after Stop.
	c := &dns.Client{Timeout: 300 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, _, err := c.Exchange(m, udp); err == nil {
		t.Error("UDP query answered after Stop")
	}
	c.Net = "tcp"
	if _, _, err := c.Exchange(m, tcp); err == nil {
		t.Error("TCP query answered after Stop")
	}
}

func TestServerRestartOnSamePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	corefile := ".:" + strconv.Itoa(port) + " {\n    bind 127.0.0.1\n    whoami\n}\n"
	for round := range 2 {
		i, udp, _, err := CoreDNSServerAndPorts(corefile)
		if err != nil {
			t.Fatalf("round %d: could not start: %v", round, err)
		}
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		checkServerWhoami(t, "udp", "example.org.", dns.TypeA, e2eExchange(t, "udp", udp, m))
		i.Stop()
	}
}

func TestServerSeveralListeners(t *testing.T) {
	corefile := "example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\nexample.org:0 {\n    bind ::1\n    whoami\n}\n"
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	defer CoreDNSServerStop(i)
	if len(i.Servers()) != 2 {
		t.Fatalf("%d listeners, want 2", len(i.Servers()))
	}
	u4, _ := CoreDNSServerPorts(i, 0)
	u6, _ := CoreDNSServerPorts(i, 1)
	if h, _, _ := net.SplitHostPort(u4); h != "127.0.0.1" {
		t.Errorf("first listener %q, want 127.0.0.1", u4)
	}
	if h, _, _ := net.SplitHostPort(u6); h != "::1" {
		t.Errorf("second listener %q, want ::1", u6)
	}
	if u, tc := CoreDNSServerPorts(i, 2); u != "" || tc != "" {
		t.Errorf("listener 2 = %q %q, want none", u, tc)
	}

	m := new(dns.Msg)
	m.SetQuestion("www.example.org.", dns.TypeAAAA)
	resp := e2eExchange(t, "udp", u6, m)
	var aaaa bool
	for _, rr := range resp.Extra {
		if a, ok := rr.(*dns.AAAA); ok && a.AAAA.Equal(net.IPv6loopback) {
			aaaa = true
		}
	}
	if resp.Rcode != dns.RcodeSuccess || !aaaa {
		t.Errorf("query over ::1: %v", resp)
	}
}

func TestFreePort(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if port <= 0 || port > 65535 {
		t.Fatalf("FreePort() = %d", port)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("TCP port %d not free: %v", port, err)
	}
	l.Close()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("UDP port %d not free: %v", port, err)
	}
	pc.Close()
}
