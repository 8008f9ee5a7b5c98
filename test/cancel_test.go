package test

import (
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestCancelPassesQueries(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		cancel 2s
		erratic {
			drop 0
		}
	}`
	for _, tr := range serve(t, corefile) {
		network, addr := tr.network, tr.addr
		m := new(dns.Msg)
		m.SetQuestion("a.example.org.", dns.TypeA)
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		resp, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		tc := test.Case{Qname: "a.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("a.example.org. 0 IN A 192.0.2.53")}}
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s: %v", network, err)
		}
	}
}

// erratic stops waiting when the context ends, so with a cancel timeout
// shorter than its delay the query goes unanswered.
func TestCancelStopsSlowQuery(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		cancel 50ms
		erratic {
			delay 1 5s
		}
	}`
	udp, _ := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetQuestion("a.example.org.", dns.TypeA)
	c := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
	if resp, _, err := c.Exchange(m, udp); err == nil {
		t.Errorf("got a reply %v, want none", resp)
	}
}

func TestCancelBadTimeout(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		cancel -1s
		whoami
	}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err == nil {
		i.Stop()
		t.Fatal("server started with a negative timeout")
	}
}
