package test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const fileZooZone = `$ORIGIN zoo.test.
$TTL 300
@        IN SOA   ns1 hostmaster SERIAL 3600 600 86400 60
@        IN NS    ns1
ns1      IN A     192.0.2.53
host     IN A     HOSTADDR
www      IN CNAME host
dangling IN CNAME void
cross    IN CNAME www.far.test.
away     IN CNAME x.nowhere.test.
old      IN DNAME new.zoo.test.
*.wild   IN A     192.0.2.9
sub      IN NS    ns.sub
ns.sub   IN A     192.0.2.99
ping     IN CNAME pong.far.test.
`

const fileFarZone = `$ORIGIN far.test.
@   300 IN SOA ns hostmaster 1 3600 600 86400 60
@   300 IN NS  ns
ns  300 IN A   198.51.100.53
www 300 IN A   198.51.100.1
pong 300 IN CNAME ping.zoo.test.
`

func zooZoneText(serial, addr string) string {
	return strings.NewReplacer("SERIAL", serial, "HOSTADDR", addr).Replace(fileZooZone)
}

// startFileServer starts a server for both zones and returns its UDP and
// TCP addresses and the path of the zoo.test file.
func startFileServer(t *testing.T) (*caddy.Instance, string, string, string) {
	t.Helper()
	dir := t.TempDir()
	zoo := filepath.Join(dir, "db.zoo")
	if err := os.WriteFile(zoo, []byte(zooZoneText("1", "192.0.2.80")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "db.far"), []byte(fileFarZone), 0o600); err != nil {
		t.Fatal(err)
	}
	corefile := `zoo.test:0 far.test:0 {
    bind 127.0.0.1
    root ` + dir + `
    file db.zoo zoo.test {
        reload 50ms
    }
    file db.far far.test
}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	var udp, tcp string
	for _, a := range []net.Addr{i.Servers()[0].LocalAddr(), i.Servers()[0].Addr()} {
		switch v := a.(type) {
		case *net.UDPAddr:
			udp = v.String()
		case *net.TCPAddr:
			tcp = v.String()
		}
	}
	if udp == "" || tcp == "" {
		i.Stop()
		t.Fatalf("no UDP (%q) or TCP (%q) address", udp, tcp)
	}
	return i, udp, tcp, zoo
}

func TestFileServer(t *testing.T) {
	i, udp, tcp, _ := startFileServer(t)
	defer CoreDNSServerStop(i)

	soa := test.SOA("zoo.test. 300 IN SOA ns1.zoo.test. hostmaster.zoo.test. 1 3600 600 86400 60")
	ns := test.NS("zoo.test. 300 IN NS ns1.zoo.test.")
	cases := []test.Case{
		{Qname: "host.zoo.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("host.zoo.test. 300 IN A 192.0.2.80")}, Ns: []dns.RR{ns}},
		{Qname: "www.zoo.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.CNAME("www.zoo.test. 300 IN CNAME host.zoo.test."),
			test.A("host.zoo.test. 300 IN A 192.0.2.80"),
		}, Ns: []dns.RR{ns}},
		// In-zone target that does not exist: NXDOMAIN with the SOA.
		{Qname: "dangling.zoo.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Answer: []dns.RR{test.CNAME("dangling.zoo.test. 300 IN CNAME void.zoo.test.")}, Ns: []dns.RR{soa}},
		// A target in another zone of the same server is resolved there.
		{Qname: "cross.zoo.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.CNAME("cross.zoo.test. 300 IN CNAME www.far.test."),
			test.A("www.far.test. 300 IN A 198.51.100.1"),
		}, Ns: []dns.RR{ns}},
		// A target nobody here serves: the CNAME alone.
		{Qname: "away.zoo.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.CNAME("away.zoo.test. 300 IN CNAME x.nowhere.test.")}, Ns: []dns.RR{ns}},
		{Qname: "y.old.zoo.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Answer: []dns.RR{
			test.DNAME("old.zoo.test. 300 IN DNAME new.zoo.test."),
			test.CNAME("y.old.zoo.test. 300 IN CNAME y.new.zoo.test."),
		}, Ns: []dns.RR{soa}},
		{Qname: "Any.Wild.zoo.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("any.wild.zoo.test. 300 IN A 192.0.2.9")}, Ns: []dns.RR{ns}},
		{Qname: "nothere.zoo.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soa}},
		{Qname: "host.zoo.test.", Qtype: dns.TypeMX, Authoritative: true, Ns: []dns.RR{soa}},
		{Qname: "www.sub.zoo.test.", Qtype: dns.TypeA,
			Ns:    []dns.RR{test.NS("sub.zoo.test. 300 IN NS ns.sub.zoo.test.")},
			Extra: []dns.RR{test.A("ns.sub.zoo.test. 300 IN A 192.0.2.99")}},
		{Qname: "host.zoo.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Answer: []dns.RR{test.A("host.zoo.test. 300 IN A 192.0.2.80")}, Ns: []dns.RR{ns},
			Extra: []dns.RR{test.OPT(4096, true)}},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		c := dns.Client{Net: network, Timeout: 2 * time.Second}
		for _, tc := range cases {
			resp, _, err := c.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s: %v", network, tc.Qname, err)
			}
			if !tc.Authoritative && resp.Authoritative {
				t.Errorf("%s %s: referral with AA set", network, tc.Qname)
			}
			if err := test.CNAMEOrder(resp); err != nil {
				t.Errorf("%s %s: %v", network, tc.Qname, err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", network, err)
			}
		}
	}

	// A CNAME loop across zones ends; the client gets the chain so far.
	q := new(dns.Msg)
	q.SetQuestion("ping.zoo.test.", dns.TypeA)
	resp, _, err := (&dns.Client{Net: "tcp", Timeout: 2 * time.Second}).Exchange(q, tcp)
	if err != nil {
		t.Fatalf("cross-zone loop: %v", err)
	}
	if resp.Rcode != dns.RcodeServerFailure || len(resp.Answer) < 2 {
		t.Errorf("cross-zone loop: rcode %s with %d records", dns.RcodeToString[resp.Rcode], len(resp.Answer))
	}

	// Transfers are left to the transfer plugin: refused here.
	m := new(dns.Msg)
	m.SetAxfr("zoo.test.")
	resp, _, err = (&dns.Client{Net: "tcp", Timeout: 2 * time.Second}).Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeRefused || len(resp.Answer) != 0 {
		t.Errorf("AXFR: rcode %s with %d records, want REFUSED", dns.RcodeToString[resp.Rcode], len(resp.Answer))
	}
}

func TestFileServerReload(t *testing.T) {
	i, udp, _, zoo := startFileServer(t)
	defer CoreDNSServerStop(i)

	ask := func() string {
		m := new(dns.Msg)
		m.SetQuestion("host.zoo.test.", dns.TypeA)
		resp, err := dns.Exchange(m, udp)
		if err != nil || len(resp.Answer) != 1 {
			return ""
		}
		return resp.Answer[0].(*dns.A).A.String()
	}
	if got := ask(); got != "192.0.2.80" {
		t.Fatalf("before reload: %q", got)
	}
	// A broken file is not loaded; the old data stays.
	if err := os.WriteFile(zoo, []byte(zooZoneText("2", "not-an-address")), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond)
	if got := ask(); got != "192.0.2.80" {
		t.Fatalf("broken file changed the answer: %q", got)
	}
	// A new serial is picked up.
	if err := os.WriteFile(zoo, []byte(zooZoneText("3", "192.0.2.81")), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for ask() != "192.0.2.81" {
		if time.Now().After(deadline) {
			t.Fatal("new serial not loaded")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestFileServerBadCorefile(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ corefile, want string }{
		{"zoo.test:0 {\n    bind 127.0.0.1\n    file " + filepath.Join(dir, "absent") + " {\n        reload 0\n    }\n}", "no such file"},
		{"zoo.test:0 {\n    bind 127.0.0.1\n    file db.zoo {\n        refresh 1s\n    }\n}", "unknown property"},
	} {
		i, err := CoreDNSServer(tc.corefile)
		if err == nil {
			i.Stop()
			t.Fatalf("Corefile accepted:\n%s", tc.corefile)
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "plugin/file") {
			t.Errorf("error %q, want one from plugin/file containing %q", err, tc.want)
		}
	}
}
