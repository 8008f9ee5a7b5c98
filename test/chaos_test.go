package test

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// exchangeMsg sends m to addr over network and returns the reply.
func exchangeMsg(t *testing.T, network, addr string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := dns.Client{Net: network}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %v: %v", network, m.Question, err)
	}
	return resp
}

// classQuery is a query for name and qtype in class qclass.
func classQuery(name string, qtype, qclass uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	m.Question[0].Qclass = qclass
	return m
}

func TestChaos(t *testing.T) {
	corefile := `.:0 {
		bind 127.0.0.1
		chaos LabDNS-4.2.0 "Ada Lovelace" "Grace Hopper" Linus
	}`
	udp, tcp := startServer(t, corefile)

	chTXT := func(owner, s string) dns.RR {
		return &dns.TXT{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{s}}
	}
	tests := []struct {
		qname  string
		qtype  uint16
		qclass uint16
		rcode  int
		answer []dns.RR
	}{
		{"version.bind.", dns.TypeTXT, dns.ClassCHAOS, dns.RcodeSuccess, []dns.RR{chTXT("version.bind.", "LabDNS-4.2.0")}},
		{"VERSION.Bind.", dns.TypeTXT, dns.ClassCHAOS, dns.RcodeSuccess, []dns.RR{chTXT("VERSION.Bind.", "LabDNS-4.2.0")}},
		{"version.server.", dns.TypeTXT, dns.ClassCHAOS, dns.RcodeSuccess, []dns.RR{chTXT("version.server.", "LabDNS-4.2.0")}},
		{"authors.bind.", dns.TypeTXT, dns.ClassCHAOS, dns.RcodeSuccess, []dns.RR{
			chTXT("authors.bind.", "Ada Lovelace"), chTXT("authors.bind.", "Grace Hopper"), chTXT("authors.bind.", "Linus"),
		}},
		// Everything else falls through to the end of the chain.
		{"version.bind.", dns.TypeA, dns.ClassCHAOS, dns.RcodeServerFailure, nil},
		{"version.bind.", dns.TypeTXT, dns.ClassINET, dns.RcodeServerFailure, nil},
		{"other.bind.", dns.TypeTXT, dns.ClassCHAOS, dns.RcodeServerFailure, nil},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			resp := exchangeMsg(t, network, addr, classQuery(tc.qname, tc.qtype, tc.qclass))
			if err := test.SortAndCheck(resp, test.Case{Qname: tc.qname, Qtype: tc.qtype, Rcode: tc.rcode, Answer: tc.answer}); err != nil {
				t.Errorf("%s %s %s: %v", network, tc.qname, dns.Type(tc.qtype), err)
			}
			if resp.Authoritative || resp.Question[0].Name != tc.qname || resp.Question[0].Qclass != tc.qclass {
				t.Errorf("%s %s: unexpected header or question: %v", network, tc.qname, resp)
			}
		}
	}
}

// TestChaosOtherClassesPassOn checks that with chaos in a server block,
// non-IN queries reach the other plugins of the block.
func TestChaosOtherClassesPassOn(t *testing.T) {
	corefile := `lab.test:0 {
		bind 127.0.0.1
		chaos Quiet-0.1
		whoami
	}`
	udp, _ := startServer(t, corefile)

	resp := exchangeMsg(t, "udp", udp, classQuery("x.lab.test.", dns.TypeTXT, dns.ClassCHAOS))
	if resp.Rcode != dns.RcodeSuccess || len(resp.Extra) != 2 || resp.Extra[0].Header().Class != dns.ClassCHAOS {
		t.Errorf("whoami did not answer the CH query: %v", resp)
	}
	// version.bind is outside lab.test: refused by the server.
	resp = exchangeMsg(t, "udp", udp, classQuery("version.bind.", dns.TypeTXT, dns.ClassCHAOS))
	if resp.Rcode != dns.RcodeRefused || len(resp.Answer) != 0 {
		t.Errorf("version.bind outside the zones: %v", resp)
	}
}

func TestChaosBadCorefile(t *testing.T) {
	corefile := `.:0 {
		bind 127.0.0.1
		chaos v1 {
			authors x
		}
	}`
	i, err := CoreDNSServer(corefile)
	if err == nil {
		i.Stop()
		t.Fatal("server started with a bad chaos block")
	}
}
