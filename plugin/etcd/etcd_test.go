package etcd

import (
	"context"
	"slices"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// skydnsData is the store the lookup tests run against.
var skydnsData = []struct{ key, value string }{
	{"/skydns/test/skydns/a/a1", `{"host":"10.0.0.1","port":8080}`},
	{"/skydns/test/skydns/a/a2", `{"host":"10.0.0.2","port":8080,"ttl":60}`},
	{"/skydns/test/skydns/ipv6/h1", `{"host":"2001:db8::1"}`},
	{"/skydns/test/skydns/cname/x", `{"host":"a.skydns.test"}`},
	{"/skydns/test/skydns/external", `{"host":"external.example.org"}`},
	{"/skydns/test/skydns/loop", `{"host":"loop.skydns.test"}`},
	{"/skydns/test/skydns/txt/t1", `{"text":"hello world"}`},
	{"/skydns/test/skydns/txt/t2", `{"text":"second"}`},
	{"/skydns/test/skydns/mx/m1", `{"host":"mail.skydns.test","mail":true,"priority":20}`},
	{"/skydns/test/skydns/mx/m2", `{"host":"10.0.0.26","mail":true}`},
	{"/skydns/test/skydns/mx/nomail", `{"host":"10.0.0.27"}`},
	{"/skydns/test/skydns/mail", `{"host":"10.0.0.25"}`},
	{"/skydns/test/skydns/srv/s1", `{"host":"10.0.1.1","port":80}`},
	{"/skydns/test/skydns/srv/s2", `{"host":"10.0.1.2","port":443,"weight":300}`},
	{"/skydns/test/skydns/srv/s3", `{"host":"a.skydns.test","port":53,"priority":5}`},
	{"/skydns/test/skydns/srv/s4", `{"host":"10.0.1.4","port":-1}`},
	{"/skydns/test/skydns/strip/s", `{"host":"x.y.mail.skydns.test","port":25,"targetstrip":2}`},
	{"/skydns/test/skydns/dns/ns/ns1", `{"host":"10.0.0.53"}`},
	{"/skydns/test/skydns/dns/apex", `{"host":"10.0.0.100"}`},
	{"/skydns/test/skydns/grp/g1", `{"host":"10.0.2.1","group":"g1"}`},
	{"/skydns/test/skydns/grp/g3", `{"host":"10.0.2.3"}`},
	{"/skydns/test/skydns/grp/sub/g2", `{"host":"10.0.2.2","group":"g2"}`},
	{"/skydns/test/skydns/bad", `{"host":`},
	{"/skydns/arpa/in-addr/10/0/0/1", `{"host":"a1.a.skydns.test"}`},
}

func newSkydns() *fakeKV {
	kv := &fakeKV{}
	for _, d := range skydnsData {
		kv.put(d.key, d.value, 0)
	}
	kv.put("/skydns/test/skydns/lease", `{"host":"10.0.3.1","ttl":600}`, 45)
	kv.put("/skydns/test/skydns/leaseonly", `{"host":"10.0.3.2"}`, 90)
	return kv
}

const soa = "skydns.test. 30 IN SOA ns.dns.skydns.test. hostmaster.skydns.test. 0 7200 1800 86400 30"

var lookupCases = []test.Case{
	{Qname: "a1.a.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("a1.a.skydns.test. 300 IN A 10.0.0.1"),
	}},
	// Names above keys return everything below them.
	{Qname: "a.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("a.skydns.test. 300 IN A 10.0.0.1"),
		test.A("a.skydns.test. 60 IN A 10.0.0.2"),
	}},
	{Qname: "a.skydns.test.", Qtype: dns.TypeAAAA, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	{Qname: "ipv6.skydns.test.", Qtype: dns.TypeAAAA, Authoritative: true, Answer: []dns.RR{
		test.AAAA("ipv6.skydns.test. 300 IN AAAA 2001:db8::1"),
	}},
	// Wildcards.
	{Qname: "a1.*.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("a1.*.skydns.test. 300 IN A 10.0.0.1"),
	}},
	{Qname: "*.a.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("*.a.skydns.test. 300 IN A 10.0.0.1"),
		test.A("*.a.skydns.test. 60 IN A 10.0.0.2"),
	}},
	{Qname: "a2.any.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("a2.any.skydns.test. 60 IN A 10.0.0.2"),
	}},
	// The zone apex answers from apex.dns.
	{Qname: "skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("skydns.test. 300 IN A 10.0.0.100"),
	}},
	// In-zone CNAME targets are followed.
	{Qname: "cname.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.CNAME("cname.skydns.test. 300 IN CNAME a.skydns.test."),
		test.A("a.skydns.test. 300 IN A 10.0.0.1"),
		test.A("a.skydns.test. 60 IN A 10.0.0.2"),
	}},
	{Qname: "x.cname.skydns.test.", Qtype: dns.TypeCNAME, Authoritative: true, Answer: []dns.RR{
		test.CNAME("x.cname.skydns.test. 300 IN CNAME a.skydns.test."),
	}},
	{Qname: "external.skydns.test.", Qtype: dns.TypeCNAME, Authoritative: true, Answer: []dns.RR{
		test.CNAME("external.skydns.test. 300 IN CNAME external.example.org."),
	}},
	// A CNAME pointing at itself is dropped.
	{Qname: "loop.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	// A CNAME query wants an exact key.
	{Qname: "cname.skydns.test.", Qtype: dns.TypeCNAME, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	{Qname: "a1.a.skydns.test.", Qtype: dns.TypeCNAME, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	// TXT: only services with text; A: only services with a host.
	{Qname: "txt.skydns.test.", Qtype: dns.TypeTXT, Authoritative: true, Answer: []dns.RR{
		test.TXT(`txt.skydns.test. 300 IN TXT "hello world"`),
		test.TXT(`txt.skydns.test. 300 IN TXT "second"`),
	}},
	{Qname: "txt.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	{Qname: "a.skydns.test.", Qtype: dns.TypeTXT, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	// MX with the exchangers' addresses.
	{Qname: "mx.skydns.test.", Qtype: dns.TypeMX, Authoritative: true, Answer: []dns.RR{
		test.MX("mx.skydns.test. 300 IN MX 20 mail.skydns.test."),
		test.MX("mx.skydns.test. 300 IN MX 10 m2.mx.skydns.test."),
	}, Extra: []dns.RR{
		test.A("mail.skydns.test. 300 IN A 10.0.0.25"),
		test.A("m2.mx.skydns.test. 300 IN A 10.0.0.26"),
	}},
	// SRV: weights spread per priority, address targets named by key,
	// port -1 left out.
	{Qname: "srv.skydns.test.", Qtype: dns.TypeSRV, Authoritative: true, Answer: []dns.RR{
		test.SRV("srv.skydns.test. 300 IN SRV 10 20 80 s1.srv.skydns.test."),
		test.SRV("srv.skydns.test. 300 IN SRV 10 60 443 s2.srv.skydns.test."),
		test.SRV("srv.skydns.test. 300 IN SRV 5 100 53 a.skydns.test."),
	}, Extra: []dns.RR{
		test.A("s1.srv.skydns.test. 300 IN A 10.0.1.1"),
		test.A("s2.srv.skydns.test. 300 IN A 10.0.1.2"),
		test.A("a.skydns.test. 300 IN A 10.0.0.1"),
		test.A("a.skydns.test. 60 IN A 10.0.0.2"),
	}},
	{Qname: "strip.skydns.test.", Qtype: dns.TypeSRV, Authoritative: true, Answer: []dns.RR{
		test.SRV("strip.skydns.test. 300 IN SRV 10 100 25 mail.skydns.test."),
	}, Extra: []dns.RR{
		test.A("mail.skydns.test. 300 IN A 10.0.0.25"),
	}},
	// NS and SOA of the zone.
	{Qname: "skydns.test.", Qtype: dns.TypeNS, Authoritative: true, Answer: []dns.RR{
		test.NS("skydns.test. 300 IN NS ns1.ns.dns.skydns.test."),
	}, Extra: []dns.RR{
		test.A("ns1.ns.dns.skydns.test. 300 IN A 10.0.0.53"),
	}},
	{Qname: "skydns.test.", Qtype: dns.TypeSOA, Authoritative: true, Answer: []dns.RR{test.SOA(soa)}},
	// NS below the apex is an A lookup for NODATA/NXDOMAIN.
	{Qname: "a.skydns.test.", Qtype: dns.TypeNS, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	// Groups: the top level group wins, services without a group stay.
	{Qname: "grp.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("grp.skydns.test. 300 IN A 10.0.2.1"),
		test.A("grp.skydns.test. 300 IN A 10.0.2.3"),
	}},
	// TTLs: the smaller of lease and service TTL.
	{Qname: "lease.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("lease.skydns.test. 45 IN A 10.0.3.1"),
	}},
	{Qname: "leaseonly.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("leaseonly.skydns.test. 90 IN A 10.0.3.2"),
	}},
	// Reverse.
	{Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true, Answer: []dns.RR{
		test.PTR("1.0.0.10.in-addr.arpa. 300 IN PTR a1.a.skydns.test."),
	}},
	// Names that do not exist, types that do not.
	{Qname: "nothere.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	{Qname: "a1.a.skydns.test.", Qtype: dns.TypeHINFO, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	{Qname: "nothere.skydns.test.", Qtype: dns.TypeHINFO, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
	// A value that is not a service.
	{Qname: "bad.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}},
}

func TestLookup(t *testing.T) {
	e := newTestEtcd(newSkydns(), "skydns.test.", "in-addr.arpa.")
	for _, tc := range lookupCases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		_, err := e.ServeDNS(context.Background(), rec, tc.Msg())
		if tc.Rcode == dns.RcodeServerFailure {
			if err == nil {
				t.Errorf("%s/%s: expected an error", tc.Qname, dns.TypeToString[tc.Qtype])
			}
		} else if err != nil {
			t.Errorf("%s/%s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
			continue
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Error(err)
		}
		if soa, ok := firstSOA(rec.Msg); ok && soa.Minttl != minTTL {
			t.Errorf("%s: SOA minimum %d, want %d", tc.Qname, soa.Minttl, minTTL)
		}
	}
}

func firstSOA(m *dns.Msg) (*dns.SOA, bool) {
	for _, rr := range append(slices.Clone(m.Answer), m.Ns...) {
		if s, ok := rr.(*dns.SOA); ok {
			return s, true
		}
	}
	return nil, false
}

func TestOutsideZones(t *testing.T) {
	e := newTestEtcd(newSkydns(), "skydns.test.")
	e.Next = test.NextHandler(dns.RcodeRefused, nil)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rcode, err := e.ServeDNS(context.Background(), rec, new(dns.Msg).SetQuestion("example.org.", dns.TypeA))
	if rcode != dns.RcodeRefused || err != nil || rec.Msg != nil {
		t.Errorf("got rcode %d, err %v, reply %v; want the next plugin's REFUSED", rcode, err, rec.Msg)
	}
}

func TestFallthrough(t *testing.T) {
	tests := []struct {
		fall     []string
		qname    string
		wantNext bool
	}{
		{nil, "nothere.skydns.test.", true},
		{[]string{"sub.skydns.test."}, "nothere.skydns.test.", false},
		{[]string{"sub.skydns.test."}, "x.sub.skydns.test.", true},
		{nil, "a1.a.skydns.test.", false}, // exists: answered here
	}
	for _, tc := range tests {
		e := newTestEtcd(newSkydns(), "skydns.test.")
		e.Fall.SetZonesFromArgs(tc.fall)
		e.Next = test.NextHandler(dns.RcodeBadCookie, nil)
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rcode, _ := e.ServeDNS(context.Background(), rec, new(dns.Msg).SetQuestion(tc.qname, dns.TypeA))
		if gotNext := rcode == dns.RcodeBadCookie; gotNext != tc.wantNext {
			t.Errorf("fallthrough %v, %s: next called %t, want %t", tc.fall, tc.qname, gotNext, tc.wantNext)
		}
	}
	if (fall.F{}).Through("x.") {
		t.Error("zero fall.F falls through")
	}
}

func TestBackendDown(t *testing.T) {
	kv := newSkydns()
	kv.err = errFake
	e := newTestEtcd(kv, "skydns.test.")
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	_, err := e.ServeDNS(context.Background(), rec, new(dns.Msg).SetQuestion("a.skydns.test.", dns.TypeA))
	if err == nil {
		t.Error("expected the etcd error")
	}
	tc := test.Case{Qname: "a.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure, Authoritative: true, Ns: []dns.RR{test.SOA(soa)}}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

// TestGets checks which keys are read: a prefix get, then the exact key when
// nothing is below it; the exact key only for exact lookups.
func TestGets(t *testing.T) {
	tests := []struct {
		qname string
		qtype uint16
		want  []string
	}{
		{"a.skydns.test.", dns.TypeA, []string{"prefix:/skydns/test/skydns/a/"}},
		{"mail.skydns.test.", dns.TypeA, []string{"prefix:/skydns/test/skydns/mail/", "/skydns/test/skydns/mail"}},
		{"x.cname.skydns.test.", dns.TypeCNAME, []string{"/skydns/test/skydns/cname/x"}},
		{"a1.*.skydns.test.", dns.TypeA, []string{"prefix:/skydns/test/skydns/"}},
	}
	for _, tc := range tests {
		kv := newSkydns()
		e := newTestEtcd(kv, "skydns.test.")
		e.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), new(dns.Msg).SetQuestion(tc.qname, tc.qtype))
		if !slices.Equal(kv.gets, tc.want) {
			t.Errorf("%s: gets %q, want %q", tc.qname, kv.gets, tc.want)
		}
	}
}

func TestPathPrefix(t *testing.T) {
	kv := &fakeKV{}
	kv.put("/coredns/org/example/www", `{"host":"192.0.2.1"}`, 0)
	for _, prefix := range []string{"coredns", "/coredns", "/coredns/"} {
		e := newTestEtcd(kv, "example.org.")
		e.PathPrefix = prefix
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		e.ServeDNS(context.Background(), rec, new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA))
		tc := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1")}}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("path %q: %v", prefix, err)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	segs := []string{"", "skydns", "test", "*", "a1"}
	tests := []struct {
		key  string
		want bool
	}{
		{"/skydns/test/a/a1", true},
		{"/skydns/test/b/a1", true},
		{"/skydns/test/b/a1/deeper", true},
		{"/skydns/test/b/a2", false},
		{"/skydns/test/b", false},
		{"/skydns/other/b/a1", false},
	}
	for _, tc := range tests {
		if got := wildcardMatch(tc.key, segs); got != tc.want {
			t.Errorf("wildcardMatch(%q) = %t, want %t", tc.key, got, tc.want)
		}
	}
}
