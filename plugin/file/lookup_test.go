package file

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const zooZone = `$ORIGIN zoo.test.
$TTL 300
@          IN SOA   ns1 hostmaster 2024010101 3600 600 86400 60
@          IN NS    ns1
@          IN NS    ns2.elsewhere.test.
@          IN A     192.0.2.1
@          IN MX    10 mail
@          IN MX    20 mx.elsewhere.test.
ns1        IN A     192.0.2.53
mail       IN A     192.0.2.25
mail       IN AAAA  2001:db8::25
www        IN CNAME web
web        IN CNAME Host
host       IN A     192.0.2.80
Mixed      IN A     192.0.2.81
out        IN CNAME far.elsewhere.test.
toapex     IN CNAME zoo.test.
_http._tcp IN SRV   0 0 80 host
_http._tcp IN SRV   0 0 80 gone.elsewhere.test.
*.pets     IN A     192.0.2.100
*.pets     IN TXT   "wild"
cat.pets   IN A     192.0.2.101
*.alias    IN CNAME host
a.b.c      IN A     192.0.2.10
*.wide     IN A     192.0.2.200
x.y.wide   IN A     192.0.2.201
child      IN NS    ns.child
child      IN NS    ns.elsewhere.test.
child      IN DS    12345 8 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns.child   IN A     192.0.2.60
old        IN DNAME new.zoo.test.
a.new      IN A     192.0.2.150
loop1      IN CNAME loop2
loop2      IN CNAME loop1
`

var (
	zooSOA = test.SOA("zoo.test. 300 IN SOA ns1.zoo.test. hostmaster.zoo.test. 2024010101 3600 600 86400 60")
	zooNS  = []dns.RR{
		test.NS("zoo.test. 300 IN NS ns1.zoo.test."),
		test.NS("zoo.test. 300 IN NS ns2.elsewhere.test."),
	}
	childNS = []dns.RR{
		test.NS("child.zoo.test. 300 IN NS ns.child.zoo.test."),
		test.NS("child.zoo.test. 300 IN NS ns.elsewhere.test."),
	}
	childGlue = []dns.RR{test.A("ns.child.zoo.test. 300 IN A 192.0.2.60")}
)

func rrs(r ...dns.RR) []dns.RR { return r }

func TestLookup(t *testing.T) {
	f := newFile(t, "zoo.test.", zooZone)
	noerr := func(name string, typ uint16, answer, ns, extra []dns.RR) lookupCase {
		return lookupCase{Case: test.Case{Qname: name, Qtype: typ, Answer: answer, Ns: ns, Extra: extra}}
	}
	nodata := func(name string, typ uint16) lookupCase {
		return lookupCase{Case: test.Case{Qname: name, Qtype: typ, Ns: rrs(zooSOA)}}
	}
	nxdomain := func(name string, typ uint16) lookupCase {
		return lookupCase{Case: test.Case{Qname: name, Qtype: typ, Rcode: dns.RcodeNameError, Ns: rrs(zooSOA)}}
	}
	referral := func(name string, typ uint16) lookupCase {
		return lookupCase{Case: test.Case{Qname: name, Qtype: typ, Ns: childNS, Extra: childGlue}, referral: true}
	}
	loop := []dns.RR{}
	for i := range 10 {
		if i%2 == 0 {
			loop = append(loop, test.CNAME("loop1.zoo.test. 300 IN CNAME loop2.zoo.test."))
		} else {
			loop = append(loop, test.CNAME("loop2.zoo.test. 300 IN CNAME loop1.zoo.test."))
		}
	}

	cases := []lookupCase{
		// The apex.
		noerr("zoo.test.", dns.TypeSOA, rrs(zooSOA), zooNS, nil),
		noerr("zoo.test.", dns.TypeNS, zooNS, nil, rrs(test.A("ns1.zoo.test. 300 IN A 192.0.2.53"))),
		noerr("zoo.test.", dns.TypeA, rrs(test.A("zoo.test. 300 IN A 192.0.2.1")), zooNS, nil),
		noerr("zoo.test.", dns.TypeMX, rrs(
			test.MX("zoo.test. 300 IN MX 10 mail.zoo.test."),
			test.MX("zoo.test. 300 IN MX 20 mx.elsewhere.test."),
		), zooNS, rrs(
			test.A("mail.zoo.test. 300 IN A 192.0.2.25"),
			test.AAAA("mail.zoo.test. 300 IN AAAA 2001:db8::25"),
		)),
		nodata("zoo.test.", dns.TypeAAAA),
		// Exact matches, case folded.
		noerr("host.zoo.test.", dns.TypeA, rrs(test.A("host.zoo.test. 300 IN A 192.0.2.80")), zooNS, nil),
		noerr("HOST.Zoo.TEST.", dns.TypeA, rrs(test.A("host.zoo.test. 300 IN A 192.0.2.80")), zooNS, nil),
		noerr("mixed.zoo.test.", dns.TypeA, rrs(test.A("mixed.zoo.test. 300 IN A 192.0.2.81")), zooNS, nil),
		nodata("host.zoo.test.", dns.TypeMX),
		nodata("host.zoo.test.", dns.TypeANY),
		// SOA below the apex is just another type.
		nodata("host.zoo.test.", dns.TypeSOA),
		noerr("_http._tcp.zoo.test.", dns.TypeSRV, rrs(
			test.SRV("_http._tcp.zoo.test. 300 IN SRV 0 0 80 host.zoo.test."),
			test.SRV("_http._tcp.zoo.test. 300 IN SRV 0 0 80 gone.elsewhere.test."),
		), zooNS, rrs(test.A("host.zoo.test. 300 IN A 192.0.2.80"))),
		// CNAME chains inside the zone.
		noerr("www.zoo.test.", dns.TypeA, rrs(
			test.CNAME("www.zoo.test. 300 IN CNAME web.zoo.test."),
			test.CNAME("web.zoo.test. 300 IN CNAME host.zoo.test."),
			test.A("host.zoo.test. 300 IN A 192.0.2.80"),
		), zooNS, nil),
		noerr("www.zoo.test.", dns.TypeMX, rrs(
			test.CNAME("www.zoo.test. 300 IN CNAME web.zoo.test."),
			test.CNAME("web.zoo.test. 300 IN CNAME host.zoo.test."),
		), zooNS, nil),
		noerr("www.zoo.test.", dns.TypeCNAME, rrs(test.CNAME("www.zoo.test. 300 IN CNAME web.zoo.test.")), zooNS, nil),
		{Case: test.Case{Qname: "loop1.zoo.test.", Qtype: dns.TypeA, Answer: loop, Ns: zooNS}, loop: true},
		// A CNAME to the apex: SOA and NS come from the apex.
		noerr("toapex.zoo.test.", dns.TypeSOA, rrs(test.CNAME("toapex.zoo.test. 300 IN CNAME zoo.test."), zooSOA), zooNS, nil),
		noerr("toapex.zoo.test.", dns.TypeNS, append(rrs(test.CNAME("toapex.zoo.test. 300 IN CNAME zoo.test.")), zooNS...), zooNS, nil),
		noerr("toapex.zoo.test.", dns.TypeA, rrs(
			test.CNAME("toapex.zoo.test. 300 IN CNAME zoo.test."),
			test.A("zoo.test. 300 IN A 192.0.2.1"),
		), zooNS, nil),
		// Without a server to ask, a target outside the zone fails but the
		// CNAME is still given.
		{Case: test.Case{Qname: "out.zoo.test.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure,
			Answer: rrs(test.CNAME("out.zoo.test. 300 IN CNAME far.elsewhere.test.")), Ns: zooNS}},
		// Wildcards.
		noerr("dog.pets.zoo.test.", dns.TypeA, rrs(test.A("dog.pets.zoo.test. 300 IN A 192.0.2.100")), zooNS, nil),
		noerr("dog.pets.zoo.test.", dns.TypeTXT, rrs(test.TXT(`dog.pets.zoo.test. 300 IN TXT "wild"`)), zooNS, nil),
		nodata("dog.pets.zoo.test.", dns.TypeMX),
		noerr("a.dog.pets.zoo.test.", dns.TypeA, rrs(test.A("a.dog.pets.zoo.test. 300 IN A 192.0.2.100")), zooNS, nil),
		noerr("cat.pets.zoo.test.", dns.TypeA, rrs(test.A("cat.pets.zoo.test. 300 IN A 192.0.2.101")), zooNS, nil),
		nodata("cat.pets.zoo.test.", dns.TypeTXT), // exists, so the wildcard does not apply
		nxdomain("x.cat.pets.zoo.test.", dns.TypeA),
		nodata("pets.zoo.test.", dns.TypeA),
		noerr("*.pets.zoo.test.", dns.TypeA, rrs(test.A("*.pets.zoo.test. 300 IN A 192.0.2.100")), zooNS, nil),
		noerr("z.alias.zoo.test.", dns.TypeA, rrs(
			test.CNAME("z.alias.zoo.test. 300 IN CNAME host.zoo.test."),
			test.A("host.zoo.test. 300 IN A 192.0.2.80"),
		), zooNS, nil),
		noerr("z.alias.zoo.test.", dns.TypeCNAME, rrs(test.CNAME("z.alias.zoo.test. 300 IN CNAME host.zoo.test.")), zooNS, nil),
		// Empty non-terminals exist, also below a wildcard (RFC 4592 2.2.2).
		nodata("b.c.zoo.test.", dns.TypeA),
		nodata("c.zoo.test.", dns.TypeTXT),
		noerr("a.b.c.zoo.test.", dns.TypeA, rrs(test.A("a.b.c.zoo.test. 300 IN A 192.0.2.10")), zooNS, nil),
		nxdomain("d.b.c.zoo.test.", dns.TypeA),
		noerr("foo.wide.zoo.test.", dns.TypeA, rrs(test.A("foo.wide.zoo.test. 300 IN A 192.0.2.200")), zooNS, nil),
		nodata("y.wide.zoo.test.", dns.TypeA),
		nxdomain("q.y.wide.zoo.test.", dns.TypeA),
		// Delegations.
		referral("child.zoo.test.", dns.TypeA),
		referral("child.zoo.test.", dns.TypeNS),
		referral("child.zoo.test.", dns.TypeSOA),
		referral("www.child.zoo.test.", dns.TypeA),
		referral("ns.child.zoo.test.", dns.TypeA),
		referral("x.www.child.zoo.test.", dns.TypeDS),
		noerr("child.zoo.test.", dns.TypeDS, rrs(
			test.DS("child.zoo.test. 300 IN DS 12345 8 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"),
		), zooNS, nil),
		// DNAME.
		noerr("old.zoo.test.", dns.TypeDNAME, rrs(test.DNAME("old.zoo.test. 300 IN DNAME new.zoo.test.")), zooNS, nil),
		nodata("old.zoo.test.", dns.TypeA),
		noerr("a.old.zoo.test.", dns.TypeA, rrs(
			test.DNAME("old.zoo.test. 300 IN DNAME new.zoo.test."),
			test.CNAME("a.old.zoo.test. 300 IN CNAME a.new.zoo.test."),
			test.A("a.new.zoo.test. 300 IN A 192.0.2.150"),
		), zooNS, nil),
		noerr("a.old.zoo.test.", dns.TypeCNAME, rrs(
			test.DNAME("old.zoo.test. 300 IN DNAME new.zoo.test."),
			test.CNAME("a.old.zoo.test. 300 IN CNAME a.new.zoo.test."),
		), zooNS, nil),
		// Names that do not exist.
		nxdomain("nothere.zoo.test.", dns.TypeA),
		nxdomain("deep.nothere.zoo.test.", dns.TypeAAAA),
	}
	runCases(t, f, cases)
}
