package test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const dnssecZone = `$ORIGIN dnssec.test.
$TTL 300
@    IN SOA ns hostmaster 1 3600 600 86400 60
@    IN NS  ns
ns   IN A   192.0.2.53
www  IN A   192.0.2.1
www  IN A   192.0.2.2
`

// dnssecWriteKey generates a key and writes it in BIND format to dir,
// returning the base name of its files and the public key.
func dnssecWriteKey(t *testing.T, dir, zone string, alg uint8, flags uint16) (string, *dns.DNSKEY) {
	t.Helper()
	k := &dns.DNSKEY{
		Hdr:   dns.RR_Header{Name: zone, Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: flags, Protocol: 3, Algorithm: alg,
	}
	p, err := k.Generate(256)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, fmt.Sprintf("K%s+%03d+%05d", zone, alg, k.KeyTag()))
	if err := os.WriteFile(base+".key", []byte(k.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".private", []byte(k.PrivateKeyString(p)), 0o600); err != nil {
		t.Fatal(err)
	}
	return base, k
}

// dnssecVerify checks every RRSIG in m against keys and returns how many
// there were.
func dnssecVerify(t *testing.T, m *dns.Msg, keys ...*dns.DNSKEY) int {
	t.Helper()
	n := 0
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			sig, ok := rr.(*dns.RRSIG)
			if !ok {
				continue
			}
			n++
			var set []dns.RR
			for _, r := range sec {
				if r.Header().Rrtype == sig.TypeCovered && r.Header().Name == sig.Hdr.Name {
					set = append(set, r)
				}
			}
			var key *dns.DNSKEY
			for _, k := range keys {
				if k.KeyTag() == sig.KeyTag {
					key = k
				}
			}
			if key == nil {
				t.Errorf("RRSIG by unknown key %d", sig.KeyTag)
				continue
			}
			if err := sig.Verify(key, set); err != nil {
				t.Errorf("RRSIG over %s/%s: %s", sig.Hdr.Name, dns.TypeToString[sig.TypeCovered], err)
			}
			if !sig.ValidityPeriod(time.Now()) {
				t.Errorf("RRSIG over %s/%s not valid now", sig.Hdr.Name, dns.TypeToString[sig.TypeCovered])
			}
		}
	}
	return n
}

func TestDnssecOnTheFly(t *testing.T) {
	dir := t.TempDir()
	kskBase, ksk := dnssecWriteKey(t, dir, "dnssec.test.", dns.ECDSAP256SHA256, 257)
	zskBase, zsk := dnssecWriteKey(t, dir, "dnssec.test.", dns.ED25519, 256)
	if err := os.WriteFile(filepath.Join(dir, "db.dnssec.test"), []byte(dnssecZone), 0o600); err != nil {
		t.Fatal(err)
	}
	corefile := `dnssec.test:0 {
    bind 127.0.0.1
    file ` + filepath.Join(dir, "db.dnssec.test") + `
    dnssec {
        key file ` + kskBase + `
        key file ` + zskBase + `.private
    }
}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()

	opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}
	// SortAndCheck compares owner, TTL, covered type, labels and signer of an RRSIG.
	sig := func(owner, ttl, covered, labels string) dns.RR {
		return test.RRSIG(owner + " " + ttl + " IN RRSIG " + covered + " 13 " + labels + " 3600 20300101000000 20200101000000 1 dnssec.test. AAAA")
	}
	cases := []test.Case{
		{
			Qname: "www.dnssec.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Answer: []dns.RR{
				test.A("www.dnssec.test. 300 IN A 192.0.2.1"),
				test.A("www.dnssec.test. 300 IN A 192.0.2.2"),
				sig("www.dnssec.test.", "300", "A", "3"),
			},
			Ns: []dns.RR{
				test.NS("dnssec.test. 300 IN NS ns.dnssec.test."),
				sig("dnssec.test.", "300", "NS", "2"),
			},
			Extra: []dns.RR{opt},
		},
		{
			Qname: "nx.dnssec.test.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Ns: []dns.RR{
				test.SOA("dnssec.test. 300 IN SOA ns.dnssec.test. hostmaster.dnssec.test. 1 3600 600 86400 60"),
				sig("dnssec.test.", "300", "SOA", "2"),
				test.NSEC("nx.dnssec.test. 300 IN NSEC \\000.nx.dnssec.test. HINFO TXT AAAA LOC SRV CERT SSHFP RRSIG NSEC TLSA HIP OPENPGPKEY SPF"),
				sig("nx.dnssec.test.", "300", "NSEC", "3"),
			},
			Extra: []dns.RR{opt},
		},
		{
			Qname: "dnssec.test.", Qtype: dns.TypeDNSKEY, Do: true, Authoritative: true,
			Answer: []dns.RR{
				&dns.DNSKEY{Hdr: dns.RR_Header{Name: "dnssec.test.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600}, Flags: 257, Protocol: 3, Algorithm: ksk.Algorithm, PublicKey: ksk.PublicKey},
				&dns.DNSKEY{Hdr: dns.RR_Header{Name: "dnssec.test.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600}, Flags: 256, Protocol: 3, Algorithm: zsk.Algorithm, PublicKey: zsk.PublicKey},
				sig("dnssec.test.", "3600", "DNSKEY", "2"),
			},
			Extra: []dns.RR{opt},
		},
		{
			// No DO: plain NXDOMAIN.
			Qname: "nx.dnssec.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA("dnssec.test. 300 IN SOA ns.dnssec.test. hostmaster.dnssec.test. 1 3600 600 86400 60")},
		},
	}
	for _, addr := range []struct{ net, addr string }{{"udp", udp}, {"tcp", tcp}} {
		for _, tc := range cases {
			c := &dns.Client{Net: addr.net, Timeout: 2 * time.Second}
			resp, _, err := c.Exchange(tc.Msg(), addr.addr)
			if err != nil {
				t.Fatalf("%s %s/%s: %s", addr.net, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
			n := dnssecVerify(t, resp, ksk, zsk)
			if tc.Do && n == 0 {
				t.Errorf("%s %s: no signatures", addr.net, tc.Qname)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s %s/%s: %s", addr.net, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
		}
	}
}
