package test

import (
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const localCorefile = `.:0 {
    bind 127.0.0.1
    local
    whoami
}`

func TestLocalNames(t *testing.T) {
	i, err := CoreDNSServer(localCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	soa := func(owner string) dns.RR {
		return test.SOA(owner + " 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800")
	}
	reply := func(q *dns.Msg, rcode int, answer, ns []dns.RR) *dns.Msg {
		m := new(dns.Msg)
		m.SetRcode(q, rcode)
		m.Answer, m.Ns = answer, ns
		return m
	}
	tests := []struct {
		qname  string
		qtype  uint16
		rcode  int
		answer []dns.RR
		ns     []dns.RR
	}{
		{"localhost.", dns.TypeA, dns.RcodeSuccess, []dns.RR{test.A("localhost. 604800 IN A 127.0.0.1")}, nil},
		{"LocalHost.", dns.TypeAAAA, dns.RcodeSuccess, []dns.RR{test.AAAA("LocalHost. 604800 IN AAAA ::1")}, nil},
		{"localhost.", dns.TypeMX, dns.RcodeSuccess, nil, []dns.RR{soa("localhost.")}},
		{"app.localhost.", dns.TypeA, dns.RcodeSuccess, []dns.RR{test.A("app.localhost. 604800 IN A 127.0.0.1")}, nil},
		{"localhost.lab.test.", dns.TypeAAAA, dns.RcodeSuccess, []dns.RR{test.AAAA("localhost.lab.test. 604800 IN AAAA ::1")}, nil},
		{"localhost.lab.test.", dns.TypeTXT, dns.RcodeSuccess, nil, []dns.RR{soa("localhost.lab.test.")}},
		{"1.0.0.127.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess, []dns.RR{test.PTR("1.0.0.127.in-addr.arpa. 604800 IN PTR localhost.")}, nil},
		{"9.0.0.127.in-addr.arpa.", dns.TypePTR, dns.RcodeNameError, nil, []dns.RR{soa("127.in-addr.arpa.")}},
		{"255.in-addr.arpa.", dns.TypeNS, dns.RcodeSuccess, []dns.RR{test.NS("255.in-addr.arpa. 604800 IN NS localhost.")}, nil},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			got, _ := queryFrom(t, network, addr, "127.0.0.1", q, 2*time.Second)
			checkWhole(t, network+" "+tc.qname+" "+dns.TypeToString[tc.qtype], got, reply(q, tc.rcode, tc.answer, tc.ns))
		}

		// Other names go on to whoami.
		q := new(dns.Msg)
		q.SetQuestion("lab.test.", dns.TypeA)
		got, port := queryFrom(t, network, addr, "127.0.0.1", q, 2*time.Second)
		checkWhole(t, network+" lab.test.", got, whoamiReply(q, network, "127.0.0.1", port))
	}
}
