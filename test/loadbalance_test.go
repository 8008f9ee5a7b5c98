package test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const loadbalanceZone = `$ORIGIN lb.test.
$TTL 300
@     IN SOA  ns hostmaster 1 3600 600 86400 60
@     IN NS   ns
ns    IN A    192.0.2.53
herd  IN A    192.0.2.1
herd  IN A    192.0.2.2
herd  IN A    192.0.2.3
herd  IN A    10.1.0.1
herd  IN AAAA 2001:db8::1
herd  IN AAAA 2001:db8::2
nick  IN CNAME herd
@     IN MX   10 mx1
@     IN MX   10 mx2
@     IN MX   20 mx3
mx1   IN A    192.0.2.25
mx2   IN A    192.0.2.26
mx3   IN A    192.0.2.27
`

// startLoadbalance starts lb.test from a zone file with the given
// loadbalance line and returns the instance and UDP and TCP addresses.
func startLoadbalance(t *testing.T, lb string, extra map[string]string) (udp, tcp string, stop func()) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db.lb.test"), []byte(loadbalanceZone), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, content := range extra {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	corefile := `lb.test:0 {
		bind 127.0.0.1
		root ` + dir + `
		` + lb + `
		file db.lb.test
	}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	return udp, tcp, func() { i.Stop() }
}

func lbExchange(t *testing.T, network, addr, name string, qtype uint16) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s %s over %s: %s", name, dns.TypeToString[qtype], network, err)
	}
	return r
}

func TestLoadbalanceRoundRobin(t *testing.T) {
	udp, tcp, stop := startLoadbalance(t, "loadbalance round_robin", nil)
	defer stop()

	ns := []dns.RR{test.NS("lb.test. 300 IN NS ns.lb.test.")}
	herdA := []dns.RR{
		test.A("herd.lb.test. 300 IN A 192.0.2.1"), test.A("herd.lb.test. 300 IN A 192.0.2.2"),
		test.A("herd.lb.test. 300 IN A 192.0.2.3"), test.A("herd.lb.test. 300 IN A 10.1.0.1"),
	}
	cname := test.CNAME("nick.lb.test. 300 IN CNAME herd.lb.test.")
	cases := []test.Case{
		{Qname: "herd.lb.test.", Qtype: dns.TypeA, Authoritative: true, Answer: herdA, Ns: ns},
		{Qname: "herd.lb.test.", Qtype: dns.TypeAAAA, Authoritative: true, Answer: []dns.RR{
			test.AAAA("herd.lb.test. 300 IN AAAA 2001:db8::1"), test.AAAA("herd.lb.test. 300 IN AAAA 2001:db8::2"),
		}, Ns: ns},
		{Qname: "nick.lb.test.", Qtype: dns.TypeA, Authoritative: true, Answer: append([]dns.RR{cname}, herdA...), Ns: ns},
		{Qname: "lb.test.", Qtype: dns.TypeMX, Authoritative: true, Answer: []dns.RR{
			test.MX("lb.test. 300 IN MX 10 mx1.lb.test."), test.MX("lb.test. 300 IN MX 10 mx2.lb.test."),
			test.MX("lb.test. 300 IN MX 20 mx3.lb.test."),
		}, Ns: ns, Extra: []dns.RR{
			test.A("mx1.lb.test. 300 IN A 192.0.2.25"), test.A("mx2.lb.test. 300 IN A 192.0.2.26"),
			test.A("mx3.lb.test. 300 IN A 192.0.2.27"),
		}},
		{Qname: "nope.lb.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{
			test.SOA("lb.test. 300 IN SOA ns.lb.test. hostmaster.lb.test. 1 3600 600 86400 60"),
		}},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range cases {
			firsts := map[string]bool{}
			for range 30 {
				r := lbExchange(t, network, addr, tc.Qname, tc.Qtype)
				if tc.Qname == "nick.lb.test." && (len(r.Answer) == 0 || r.Answer[0].Header().Rrtype != dns.TypeCNAME) {
					t.Fatalf("%s: CNAME not first: %v", network, r.Answer)
				}
				if len(r.Answer) > 0 {
					firsts[r.Answer[len(r.Answer)-1].String()] = true
				}
				if err := test.SortAndCheck(r, tc); err != nil {
					t.Fatalf("%s: %s", network, err)
				}
			}
			if len(tc.Answer) > 2 && len(firsts) < 2 {
				t.Errorf("%s %s: the order never changed in 30 answers", network, tc.Qname)
			}
		}
	}
}

func TestLoadbalancePrefer(t *testing.T) {
	udp, _, stop := startLoadbalance(t, "loadbalance {\n prefer 10.0.0.0/8\n}", nil)
	defer stop()
	seen := map[string]bool{}
	for range 30 {
		r := lbExchange(t, "udp", udp, "herd.lb.test.", dns.TypeA)
		if len(r.Answer) != 4 {
			t.Fatalf("got %d answers, want 4", len(r.Answer))
		}
		if a := r.Answer[0].(*dns.A).A.String(); a != "10.1.0.1" {
			t.Fatalf("first address %s, want the preferred 10.1.0.1", a)
		}
		seen[r.Answer[1].(*dns.A).A.String()] = true
	}
	if len(seen) < 2 {
		t.Error("the other addresses were not shuffled")
	}
}

func TestLoadbalanceWeighted(t *testing.T) {
	weights := "# all on one\nherd.lb.test\n192.0.2.2 255\n192.0.2.1 1\n"
	udp, _, stop := startLoadbalance(t, "loadbalance weighted db.lb.test.weights {\n reload 0s\n}",
		map[string]string{"db.lb.test.weights": weights})
	defer stop()
	counts := map[string]int{}
	for range 100 {
		r := lbExchange(t, "udp", udp, "herd.lb.test.", dns.TypeA)
		if len(r.Answer) != 4 {
			t.Fatalf("got %d answers, want 4", len(r.Answer))
		}
		counts[r.Answer[0].(*dns.A).A.String()]++
	}
	// 255 against 1+1+1: the heavy address should lead almost always.
	if counts["192.0.2.2"] < 90 {
		t.Errorf("heaviest address first only %d of 100 times: %v", counts["192.0.2.2"], counts)
	}
}
