package test

import (
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// erraticQuery sends name/qtype over network and returns the reply, or nil
// when none came within a short timeout.
func erraticQuery(t *testing.T, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 300 * time.Millisecond}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		return nil
	}
	return resp
}

func TestErraticDropTruncate(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		erratic {
			drop 3
			truncate 2
		}
	}`
	udp, tcp := startServer(t, corefile)

	// The counter is shared by UDP and TCP: query n (from 0) is dropped when
	// n%3 == 0 and truncated when n&2 == 0.
	steps := []struct {
		network string
		qtype   uint16
		want    byte // 'D' dropped, 'T' truncated, '.' normal
	}{
		{"udp", dns.TypeA, 'D'},
		{"udp", dns.TypeA, 'T'},
		{"udp", dns.TypeA, '.'},
		{"udp", dns.TypeAAAA, 'D'},
		{"udp", dns.TypeAAAA, 'T'},
		{"udp", dns.TypeA, 'T'},
		{"udp", dns.TypeMX, 'D'},
		{"tcp", dns.TypeA, '.'},
		{"tcp", dns.TypeA, 'T'},
	}
	for n, s := range steps {
		addr := udp
		if s.network == "tcp" {
			addr = tcp
		}
		name := "q.example.org."
		resp := erraticQuery(t, s.network, addr, name, s.qtype)
		switch {
		case s.want == 'D':
			if resp != nil {
				t.Errorf("query %d: got a reply, want it dropped", n)
			}
			continue
		case resp == nil:
			t.Errorf("query %d: no reply", n)
			continue
		}
		tc := test.Case{Qname: name, Qtype: s.qtype, Authoritative: true, Truncated: s.want == 'T'}
		switch s.qtype {
		case dns.TypeA:
			tc.Answer = []dns.RR{test.A("q.example.org. 0 IN A 192.0.2.53")}
		case dns.TypeAAAA:
			tc.Answer = []dns.RR{test.AAAA("q.example.org. 0 IN AAAA 2001:db8::53")}
		}
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("query %d: %v", n, err)
		}
		if resp.Truncated != (s.want == 'T') {
			t.Errorf("query %d: TC is %t", n, resp.Truncated)
		}
	}
}

func TestErraticOtherTypesAndAXFR(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		erratic {
			delay 2 10ms
		}
	}`
	udp, tcp := startServer(t, corefile)

	resp := erraticQuery(t, "udp", udp, "x.example.org.", dns.TypeSRV)
	if resp == nil {
		t.Fatal("no reply to SRV")
	}
	if err := test.SortAndCheck(resp, test.Case{Qname: "x.example.org.", Qtype: dns.TypeSRV, Rcode: dns.RcodeServerFailure}); err != nil {
		t.Error(err)
	}

	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	tr := &dns.Transfer{ReadTimeout: time.Second}
	ch, err := tr.In(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	var got []dns.RR
	for env := range ch {
		if env.Error != nil {
			t.Fatal(env.Error)
		}
		got = append(got, env.RR...)
	}
	soa := "example.org. 0 IN SOA sns.dns.icann.org. noc.dns.icann.org. 2018050825 7200 3600 1209600 3600"
	want := []dns.RR{
		test.SOA(soa),
		test.NS("example.org. 0 IN NS a.example.org."),
		test.NS("example.org. 0 IN NS b.example.org."),
		test.AAAA("a.example.org. 0 IN AAAA 2001:bd8::53"),
		test.AAAA("b.example.org. 0 IN AAAA 2001:500::54"),
		test.SOA(soa),
	}
	if len(got) != len(want) {
		t.Fatalf("AXFR gave %d records, want %d: %v", len(got), len(want), got)
	}
	for k := range want {
		if got[k].String() != want[k].String() {
			t.Errorf("AXFR record %d: %q, want %q", k, got[k], want[k])
		}
	}
}
