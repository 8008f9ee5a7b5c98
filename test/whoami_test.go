package test

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// whoamiExchange sends m over network to addr on a connection of its own and
// returns the reply and the connection's local port.
func whoamiExchange(t *testing.T, network, addr string, m *dns.Msg) (*dns.Msg, int) {
	t.Helper()
	co, err := dns.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatalf("%s dial %s: %v", network, addr, err)
	}
	defer co.Close()
	co.SetDeadline(time.Now().Add(2 * time.Second)) //nolint:errcheck // a failed deadline shows as a read error
	if err := co.WriteMsg(m); err != nil {
		t.Fatalf("%s write: %v", network, err)
	}
	resp, err := co.ReadMsg()
	if err != nil {
		t.Fatalf("%s %v: %v", network, m.Question, err)
	}
	_, port, _ := net.SplitHostPort(co.LocalAddr().String())
	p, _ := strconv.Atoi(port)
	return resp, p
}

func TestWhoami(t *testing.T) {
	corefile := `.:0 {
		bind 127.0.0.1
		whoami
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		// The root name gets an SRV record owned by "_udp." or "_tcp.".
		for _, qname := range []string{"Probe.Example.ORG.", "."} {
			m := new(dns.Msg)
			m.SetQuestion(qname, dns.TypeA)
			resp, port := whoamiExchange(t, network, addr, m)

			srvOwner := "_" + network + "." + qname
			if qname == "." {
				srvOwner = "_" + network + "."
			}
			tc := test.Case{
				Qname: qname, Qtype: dns.TypeA, Authoritative: true,
				Extra: []dns.RR{
					test.A(qname + " 0 IN A 127.0.0.1"),
					test.SRV(srvOwner + " 0 IN SRV 0 0 " + strconv.Itoa(port) + " ."),
				},
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s %s: %v", network, qname, err)
			}
		}
	}
}
