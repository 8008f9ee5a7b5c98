package test

import (
	"testing"
	"time"

	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestDebug(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		debug
		erratic {
			drop 0
		}
	}`
	defer clog.D.Clear()
	udp, _ := startServer(t, corefile)

	if !clog.D.Value() {
		t.Error("debug logging is not on")
	}
	m := new(dns.Msg)
	m.SetQuestion("a.example.org.", dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second}
	resp, _, err := c.Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	tc := test.Case{Qname: "a.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("a.example.org. 0 IN A 192.0.2.53")}}
	if err := test.SortAndCheck(resp, tc); err != nil {
		t.Error(err)
	}
}

func TestDebugWithArgument(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		debug on
		whoami
	}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err == nil {
		i.Stop()
		t.Fatal("server started with an argument to debug")
	}
}
