package file

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// A zone with NSEC records and signatures. The signatures are not real:
// lookups only pick records, they do not validate them.
const secureZone = `$ORIGIN secure.test.
$TTL 300
@      IN SOA    ns hostmaster 1 3600 600 86400 60
@      IN RRSIG  SOA 13 2 300 20300101000000 20200101000000 4711 secure.test. c29h
@      IN NS     ns
@      IN RRSIG  NS 13 2 300 20300101000000 20200101000000 4711 secure.test. bnM=
@      IN DNSKEY 257 3 13 a2V5
@      IN RRSIG  DNSKEY 13 2 300 20300101000000 20200101000000 4711 secure.test. a2V5
@      IN NSEC   a.secure.test. SOA NS RRSIG NSEC DNSKEY
@      IN RRSIG  NSEC 13 2 60 20300101000000 20200101000000 4711 secure.test. YXBleA==
a      IN A      192.0.2.1
a      IN RRSIG  A 13 3 300 20300101000000 20200101000000 4711 secure.test. YQ==
a      IN NSEC   c.secure.test. A RRSIG NSEC
a      IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. YW4=
c      IN CNAME  a
c      IN RRSIG  CNAME 13 3 300 20300101000000 20200101000000 4711 secure.test. Yw==
c      IN NSEC   d.secure.test. CNAME RRSIG NSEC
c      IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. Y24=
d      IN NS     ns.d
d      IN DS     4711 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
d      IN RRSIG  DS 13 3 300 20300101000000 20200101000000 4711 secure.test. ZA==
d      IN NSEC   e.secure.test. NS DS RRSIG NSEC
d      IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. ZG4=
ns.d   IN A      192.0.2.4
e      IN NS     ns.elsewhere.test.
e      IN NSEC   x.ent.secure.test. NS RRSIG NSEC
e      IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. ZW4=
x.ent  IN A      192.0.2.5
x.ent  IN RRSIG  A 13 4 300 20300101000000 20200101000000 4711 secure.test. eA==
x.ent  IN NSEC   ns.secure.test. A RRSIG NSEC
x.ent  IN RRSIG  NSEC 13 4 60 20300101000000 20200101000000 4711 secure.test. eG4=
ns     IN A      192.0.2.53
ns     IN RRSIG  A 13 3 300 20300101000000 20200101000000 4711 secure.test. bnNh
ns     IN NSEC   *.w.secure.test. A RRSIG NSEC
ns     IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. bnNu
*.w    IN A      192.0.2.7
*.w    IN RRSIG  A 13 3 300 20300101000000 20200101000000 4711 secure.test. dw==
*.w    IN NSEC   secure.test. A RRSIG NSEC
*.w    IN RRSIG  NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. d24=
`

func sig(s string) dns.RR { return test.RRSIG(s) }

var (
	secSOA = []dns.RR{
		test.SOA("secure.test. 300 IN SOA ns.secure.test. hostmaster.secure.test. 1 3600 600 86400 60"),
		sig("secure.test. 300 IN RRSIG SOA 13 2 300 20300101000000 20200101000000 4711 secure.test. c29h"),
	}
	secNS = []dns.RR{
		test.NS("secure.test. 300 IN NS ns.secure.test."),
		sig("secure.test. 300 IN RRSIG NS 13 2 300 20300101000000 20200101000000 4711 secure.test. bnM="),
	}
	nsecApex = []dns.RR{
		test.NSEC("secure.test. 300 IN NSEC a.secure.test. SOA NS RRSIG NSEC DNSKEY"),
		sig("secure.test. 300 IN RRSIG NSEC 13 2 60 20300101000000 20200101000000 4711 secure.test. YXBleA=="),
	}
	nsecA = []dns.RR{
		test.NSEC("a.secure.test. 300 IN NSEC c.secure.test. A RRSIG NSEC"),
		sig("a.secure.test. 300 IN RRSIG NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. YW4="),
	}
	nsecE = []dns.RR{
		test.NSEC("e.secure.test. 300 IN NSEC x.ent.secure.test. NS RRSIG NSEC"),
		sig("e.secure.test. 300 IN RRSIG NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. ZW4="),
	}
	nsecWild = []dns.RR{
		test.NSEC("*.w.secure.test. 300 IN NSEC secure.test. A RRSIG NSEC"),
		sig("*.w.secure.test. 300 IN RRSIG NSEC 13 3 60 20300101000000 20200101000000 4711 secure.test. d24="),
	}
	aRRs = []dns.RR{
		test.A("a.secure.test. 300 IN A 192.0.2.1"),
		sig("a.secure.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 4711 secure.test. YQ=="),
	}
)

func cat(sets ...[]dns.RR) []dns.RR {
	var all []dns.RR
	for _, s := range sets {
		all = append(all, s...)
	}
	return all
}

func TestLookupDNSSEC(t *testing.T) {
	f := newFile(t, "secure.test.", secureZone)
	cases := []lookupCase{
		{Case: test.Case{Qname: "a.secure.test.", Qtype: dns.TypeA, Do: true, Answer: aRRs, Ns: secNS}},
		{Case: test.Case{Qname: "a.secure.test.", Qtype: dns.TypeA, Answer: aRRs[:1], Ns: secNS[:1]}},
		{Case: test.Case{Qname: "secure.test.", Qtype: dns.TypeSOA, Do: true, Answer: secSOA, Ns: secNS}},
		{Case: test.Case{Qname: "secure.test.", Qtype: dns.TypeNS, Do: true, Answer: secNS, Extra: rrs(
			test.A("ns.secure.test. 300 IN A 192.0.2.53"),
			sig("ns.secure.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 4711 secure.test. bnNh"),
		)}},
		{Case: test.Case{Qname: "secure.test.", Qtype: dns.TypeDNSKEY, Do: true, Answer: rrs(
			test.DNSKEY("secure.test. 300 IN DNSKEY 257 3 13 a2V5"),
			sig("secure.test. 300 IN RRSIG DNSKEY 13 2 300 20300101000000 20200101000000 4711 secure.test. a2V5"),
		), Ns: secNS}},
		// NODATA: the NSEC of the name shows the type is missing.
		{Case: test.Case{Qname: "a.secure.test.", Qtype: dns.TypeMX, Do: true, Ns: cat(secSOA, nsecA)}},
		{Case: test.Case{Qname: "a.secure.test.", Qtype: dns.TypeMX, Ns: secSOA[:1]}},
		// NXDOMAIN: one NSEC covers the name, one the wildcard.
		{Case: test.Case{Qname: "b.secure.test.", Qtype: dns.TypeA, Do: true, Rcode: dns.RcodeNameError,
			Ns: cat(secSOA, nsecA, nsecApex)}},
		// An empty non-terminal: the covering NSEC.
		{Case: test.Case{Qname: "ent.secure.test.", Qtype: dns.TypeA, Do: true, Ns: cat(secSOA, nsecE)}},
		// CNAME: every RRset with its signature.
		{Case: test.Case{Qname: "c.secure.test.", Qtype: dns.TypeA, Do: true, Answer: cat(rrs(
			test.CNAME("c.secure.test. 300 IN CNAME a.secure.test."),
			sig("c.secure.test. 300 IN RRSIG CNAME 13 3 300 20300101000000 20200101000000 4711 secure.test. Yw=="),
		), aRRs), Ns: secNS}},
		// Wildcard: signature with the query name as owner, plus the NSEC
		// proving the query name itself does not exist.
		{Case: test.Case{Qname: "foo.w.secure.test.", Qtype: dns.TypeA, Do: true, Answer: rrs(
			test.A("foo.w.secure.test. 300 IN A 192.0.2.7"),
			sig("foo.w.secure.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 4711 secure.test. dw=="),
		), Ns: cat(secNS, nsecWild)}},
		{Case: test.Case{Qname: "foo.w.secure.test.", Qtype: dns.TypeMX, Do: true, Ns: cat(secSOA, nsecWild)}},
		// Signed delegation: DS and its signature; unsigned: the NSEC.
		{Case: test.Case{Qname: "www.d.secure.test.", Qtype: dns.TypeA, Do: true, Ns: rrs(
			test.NS("d.secure.test. 300 IN NS ns.d.secure.test."),
			test.DS("d.secure.test. 300 IN DS 4711 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"),
			sig("d.secure.test. 300 IN RRSIG DS 13 3 300 20300101000000 20200101000000 4711 secure.test. ZA=="),
		), Extra: rrs(test.A("ns.d.secure.test. 300 IN A 192.0.2.4"))}, referral: true},
		{Case: test.Case{Qname: "e.secure.test.", Qtype: dns.TypeA, Do: true, Ns: cat(rrs(
			test.NS("e.secure.test. 300 IN NS ns.elsewhere.test."),
		), nsecE)}, referral: true},
		{Case: test.Case{Qname: "d.secure.test.", Qtype: dns.TypeDS, Do: true, Answer: rrs(
			test.DS("d.secure.test. 300 IN DS 4711 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"),
			sig("d.secure.test. 300 IN RRSIG DS 13 3 300 20300101000000 20200101000000 4711 secure.test. ZA=="),
		), Ns: secNS}},
	}
	runCases(t, f, cases)
}
