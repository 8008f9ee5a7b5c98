package test

import (
	"net"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// The first block translates for every client with a custom prefix; the
// others only for IPv6 clients, with the well-known prefix.
const dns64Corefile = `lab.test:0 {
    bind 127.0.0.1
    dns64 {
        prefix 2001:db8:64::/96
        allow_ipv4
    }
    template IN A v4.lab.test {
        answer "{{ .Name }} 400 IN A 192.0.2.1"
    }
    template IN A hop.lab.test {
        answer "{{ .Name }} 400 IN CNAME v4.lab.test."
    }
    template IN AAAA v6.lab.test {
        answer "{{ .Name }} 400 IN AAAA 2001:db8::6"
    }
    template IN A flaky.lab.test {
        answer "{{ .Name }} 400 IN A 192.0.2.9"
    }
    template IN AAAA flaky.lab.test {
        rcode SERVFAIL
    }
    template ANY ANY lab.test {
        authority "lab.test. 300 IN SOA ns.lab.test. admin.lab.test. 1 3600 600 86400 70"
    }
}
plain.test:0 {
    bind 127.0.0.1
    dns64
    template IN A {
        answer "{{ .Name }} 30 IN A 192.0.2.1"
    }
    template ANY ANY {
        authority "plain.test. 300 IN SOA ns.plain.test. admin.plain.test. 1 3600 600 86400 70"
    }
}
lab.test:0 {
    bind ::1
    dns64
    template IN A v4.lab.test {
        answer "{{ .Name }} 30 IN A 192.0.2.1"
    }
    template ANY ANY lab.test {
        authority "lab.test. 300 IN SOA ns.lab.test. admin.lab.test. 1 3600 600 86400 70"
    }
}`

func TestDNS64Synthesis(t *testing.T) {
	i, err := CoreDNSServer(dns64Corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	if len(i.Servers()) != 2 {
		t.Fatalf("want 2 servers, got %d", len(i.Servers()))
	}
	v4udp, v4tcp := listenAddrs(t, i, 0)
	v6udp, v6tcp := listenAddrs(t, i, 1)
	if ip, _, _ := net.SplitHostPort(v6udp); ip != "::1" {
		v4udp, v4tcp, v6udp, v6tcp = v6udp, v6tcp, v4udp, v4tcp
	}

	soa := test.SOA("lab.test. 300 IN SOA ns.lab.test. admin.lab.test. 1 3600 600 86400 70")
	reply := func(q *dns.Msg, aa bool, answer, ns []dns.RR) *dns.Msg {
		m := new(dns.Msg)
		m.SetReply(q)
		m.Authoritative = aa
		m.Answer, m.Ns = answer, ns
		return m
	}
	tests := []struct {
		udp, tcp, src string
		qname         string
		qtype         uint16
		aa            bool
		answer, ns    []dns.RR
	}{
		// Only A records: synthesized, TTL capped by the SOA's 300. The
		// authority section is the A answer's, here empty.
		{v4udp, v4tcp, "127.0.0.1", "v4.lab.test.", dns.TypeAAAA, false,
			[]dns.RR{test.AAAA("v4.lab.test. 300 IN AAAA 2001:db8:64::c000:201")}, nil},
		// The CNAME is kept, its target's addresses are translated.
		{v4udp, v4tcp, "127.0.0.1", "hop.lab.test.", dns.TypeAAAA, false,
			[]dns.RR{
				test.CNAME("hop.lab.test. 400 IN CNAME v4.lab.test."),
				test.AAAA("v4.lab.test. 300 IN AAAA 2001:db8:64::c000:201"),
			}, nil},
		// A real AAAA record is answered as it is.
		{v4udp, v4tcp, "127.0.0.1", "v6.lab.test.", dns.TypeAAAA, true,
			[]dns.RR{test.AAAA("v6.lab.test. 400 IN AAAA 2001:db8::6")}, nil},
		// The AAAA query fails: RFC 6147 takes that as an empty answer.
		// No SOA came with the failure, so the TTL is capped at 600.
		{v4udp, v4tcp, "127.0.0.1", "flaky.lab.test.", dns.TypeAAAA, false,
			[]dns.RR{test.AAAA("flaky.lab.test. 400 IN AAAA 2001:db8:64::c000:209")}, nil},
		// No addresses at all: an empty answer, no longer authoritative.
		{v4udp, v4tcp, "127.0.0.1", "none.lab.test.", dns.TypeAAAA, false, nil, []dns.RR{soa}},
		// A queries pass untouched.
		{v4udp, v4tcp, "127.0.0.1", "v4.lab.test.", dns.TypeA, true,
			[]dns.RR{test.A("v4.lab.test. 400 IN A 192.0.2.1")}, nil},
		// The IPv6 server, well-known prefix, TTL of the A record.
		{v6udp, v6tcp, "::1", "v4.lab.test.", dns.TypeAAAA, false,
			[]dns.RR{test.AAAA("v4.lab.test. 30 IN AAAA 64:ff9b::c000:201")}, nil},
		{v6udp, v6tcp, "::1", "none.lab.test.", dns.TypeAAAA, false, nil, []dns.RR{soa}},
		// Without allow_ipv4 an IPv4 client gets the AAAA answer as it is.
		{v4udp, v4tcp, "127.0.0.1", "a.plain.test.", dns.TypeAAAA, true, nil,
			[]dns.RR{test.SOA("plain.test. 300 IN SOA ns.plain.test. admin.plain.test. 1 3600 600 86400 70")}},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range tests {
			addr := tc.udp
			if network == "tcp" {
				addr = tc.tcp
			}
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			got, _ := queryFrom(t, network, addr, tc.src, q, 2*time.Second)
			checkWhole(t, network+" "+addr+" "+tc.qname+" "+dns.TypeToString[tc.qtype], got, reply(q, tc.aa, tc.answer, tc.ns))
		}
	}
}
