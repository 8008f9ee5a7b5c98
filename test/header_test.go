package test

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

const headerCorefile = `lab.test:0 {
    bind 127.0.0.1
    header {
        query clear rd
        response set aa ra
        response clear rd
        response set rd
    }
    template IN A {
        answer "{{ .Name }} 60 IN A 10.0.0.1"
    }
}`

func TestHeaderFlags(t *testing.T) {
	i, err := CoreDNSServer(headerCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, rd := range []bool{true, false} {
			q := new(dns.Msg)
			q.SetQuestion("a.lab.test.", dns.TypeA)
			q.RecursionDesired = rd
			want := new(dns.Msg)
			want.SetReply(q)
			want.Authoritative = true
			want.RecursionAvailable = true
			want.RecursionDesired = true // cleared, then set again
			a, _ := dns.NewRR("a.lab.test. 60 IN A 10.0.0.1")
			want.Answer = []dns.RR{a}
			got, _ := queryFrom(t, network, addr, "127.0.0.1", q, 2*time.Second)
			checkWhole(t, network, got, want)
		}

		// A zone the server does not serve never reaches header.
		q := new(dns.Msg)
		q.SetQuestion("stranger.test.", dns.TypeA)
		want := new(dns.Msg)
		want.SetRcode(q, dns.RcodeRefused)
		got, _ := queryFrom(t, network, addr, "127.0.0.1", q, 2*time.Second)
		checkWhole(t, network+" stranger", got, want)
	}
}
