package test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// hostsExchange sends one query for name/qtype over network.
func hostsExchange(t *testing.T, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %s/%s: %v", network, name, dns.TypeToString[qtype], err)
	}
	return r
}

func TestHostsServe(t *testing.T) {
	dir := t.TempDir()
	hostsFile := filepath.Join(dir, "hosts")
	data := "# test data\n10.1.0.1 web.hosts.test web\n2001:db8::1 web.hosts.test\n10.1.0.2 db.hosts.test\n"
	if err := os.WriteFile(hostsFile, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	corefile := `.:0 {
    bind 127.0.0.1
    hosts ` + hostsFile + ` hosts.test in-addr.arpa {
        10.1.0.3 inline.hosts.test
        ttl 30
        reload 50ms
    }
}`
	udp, tcp := startServer(t, corefile)

	cases := []test.Case{
		{Qname: "web.hosts.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web.hosts.test. 30 IN A 10.1.0.1")}},
		{Qname: "WEB.hosts.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("web.hosts.test. 30 IN AAAA 2001:db8::1")}},
		{Qname: "db.hosts.test.", Qtype: dns.TypeAAAA, Authoritative: true},
		{Qname: "inline.hosts.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("inline.hosts.test. 30 IN A 10.1.0.3")}},
		{Qname: "1.0.1.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("1.0.1.10.in-addr.arpa. 30 IN PTR web.hosts.test.")}},
		{Qname: "missing.hosts.test.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
		{Qname: "web.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range cases {
			r := hostsExchange(t, network, addr, tc.Qname, tc.Qtype)
			if err := test.SortAndCheck(r, tc); err != nil {
				t.Errorf("%s: %v", network, err)
			}
		}
	}

	// Rewrite the file: the old entry goes, a new one comes, within a few
	// reload intervals.
	data = "10.1.0.9 web.hosts.test\n10.1.0.4 new.hosts.test\n"
	if err := os.WriteFile(hostsFile, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(hostsFile, later, later); err != nil {
		t.Fatal(err)
	}
	want := test.Case{Qname: "new.hosts.test.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("new.hosts.test. 30 IN A 10.1.0.4")}}
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := hostsExchange(t, "udp", udp, want.Qname, want.Qtype)
		if test.SortAndCheck(r, want) == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new entry not served after reload: %v", r)
		}
		time.Sleep(20 * time.Millisecond)
	}
	after := []test.Case{
		{Qname: "web.hosts.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web.hosts.test. 30 IN A 10.1.0.9")}},
		{Qname: "db.hosts.test.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
		{Qname: "inline.hosts.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("inline.hosts.test. 30 IN A 10.1.0.3")}},
	}
	for _, tc := range after {
		r := hostsExchange(t, "tcp", tcp, tc.Qname, tc.Qtype)
		if err := test.SortAndCheck(r, tc); err != nil {
			t.Error(err)
		}
	}
}
