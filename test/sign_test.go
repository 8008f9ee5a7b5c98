package test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const signZone = `$ORIGIN sign.test.
$TTL 300
@    IN SOA ns hostmaster 1 3600 600 86400 60
@    IN NS  ns
ns   IN A   192.0.2.53
www  IN A   192.0.2.1
mail IN A   192.0.2.25
`

// TestSignServedByFile signs a zone with sign and serves the output with
// file, then checks signed answers and NSEC denial over UDP and TCP.
func TestSignServedByFile(t *testing.T) {
	dir := t.TempDir()
	base, key := dnssecWriteKey(t, dir, "sign.test.", dns.ECDSAP256SHA256, 257)
	if err := os.WriteFile(filepath.Join(dir, "db.sign.test"), []byte(signZone), 0o600); err != nil {
		t.Fatal(err)
	}
	corefile := `sign.test:0 {
    bind 127.0.0.1
    root ` + dir + `
    file db.sign.test.signed {
        reload 100ms
    }
    sign db.sign.test {
        key file ` + base + `
        directory .
    }
}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()

	// Wait for the signed zone to be written and loaded.
	soaQuery := test.Case{Qname: "sign.test.", Qtype: dns.TypeSOA, Do: true}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := dns.Exchange(soaQuery.Msg(), udp)
		if err == nil && resp.Rcode == dns.RcodeSuccess && len(resp.Answer) == 2 {
			if soa, ok := resp.Answer[0].(*dns.SOA); ok && soa.Serial > 1 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("signed zone not served in time: %v %v", resp, err)
		}
		time.Sleep(50 * time.Millisecond)
	}

	sig := func(owner, ttl, covered, labels string) dns.RR {
		return test.RRSIG(owner + " " + ttl + " IN RRSIG " + covered + " 13 " + labels + " 300 20300101000000 20200101000000 1 sign.test. AAAA")
	}
	opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}
	soa := test.SOA("sign.test. 300 IN SOA ns.sign.test. hostmaster.sign.test. 1 3600 600 86400 60")
	cases := []test.Case{
		{
			Qname: "www.sign.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Answer: []dns.RR{test.A("www.sign.test. 300 IN A 192.0.2.1"), sig("www.sign.test.", "300", "A", "3")},
			Ns:     []dns.RR{test.NS("sign.test. 300 IN NS ns.sign.test."), sig("sign.test.", "300", "NS", "2")},
			Extra:  []dns.RR{opt},
		},
		{
			// A real NSEC chain: mail < nothere < ns.
			Qname: "nothere.sign.test.", Qtype: dns.TypeA, Do: true, Authoritative: true, Rcode: dns.RcodeNameError,
			Ns: []dns.RR{
				soa, sig("sign.test.", "300", "SOA", "2"),
				test.NSEC("mail.sign.test. 60 IN NSEC ns.sign.test. A RRSIG NSEC"),
				sig("mail.sign.test.", "60", "NSEC", "3"),
				test.NSEC("sign.test. 60 IN NSEC mail.sign.test. NS SOA RRSIG NSEC DNSKEY CDS CDNSKEY"),
				sig("sign.test.", "60", "NSEC", "2"),
			},
			Extra: []dns.RR{opt},
		},
		{
			Qname: "www.sign.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.sign.test. 300 IN A 192.0.2.1")},
			Ns:     []dns.RR{test.NS("sign.test. 300 IN NS ns.sign.test.")},
		},
	}
	for _, addr := range []struct{ net, addr string }{{"udp", udp}, {"tcp", tcp}} {
		for _, tc := range cases {
			c := &dns.Client{Net: addr.net, Timeout: 2 * time.Second}
			resp, _, err := c.Exchange(tc.Msg(), addr.addr)
			if err != nil {
				t.Fatalf("%s %s: %s", addr.net, tc.Qname, err)
			}
			if n := dnssecVerify(t, resp, key); tc.Do && n == 0 {
				t.Errorf("%s %s: no signatures", addr.net, tc.Qname)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s %s/%s: %s", addr.net, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
		}
	}
}
