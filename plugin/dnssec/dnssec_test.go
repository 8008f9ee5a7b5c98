package dnssec

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// sig builds an expected RRSIG; SortAndCheck compares owner, TTL, covered
// type, labels and signer only.
func sig(owner string, ttl string, covered string, labels string) dns.RR {
	return test.RRSIG(owner + "\t" + ttl + "\tIN\tRRSIG\t" + covered + " 13 " + labels + " 3600 20300101000000 20200101000000 1 example.org. AAAA")
}

func TestSign(t *testing.T) {
	dir := t.TempDir()
	key := loadKey(t, writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257))
	d := newTestDnssec(t, key)

	cases := []test.Case{
		{
			Qname: "www.example.org.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Answer: []dns.RR{
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.1"),
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.2"),
				sig("www.example.org.", "300", "A", "3"),
			},
			Ns: []dns.RR{
				test.NS("example.org.\t300\tIN\tNS\tns.example.org."),
				sig("example.org.", "300", "NS", "2"),
			},
			Extra: []dns.RR{
				test.A("ns.example.org.\t300\tIN\tA\t192.0.2.53"),
				sig("ns.example.org.", "300", "A", "3"),
				&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}},
			},
		},
		{
			// Without DO the reply is passed on untouched.
			Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.1"),
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.2"),
			},
			Ns:    []dns.RR{test.NS("example.org.\t300\tIN\tNS\tns.example.org.")},
			Extra: []dns.RR{test.A("ns.example.org.\t300\tIN\tA\t192.0.2.53")},
		},
		{
			// NXDOMAIN becomes NODATA with a black lie.
			Qname: "nope.example.org.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Ns: []dns.RR{
				test.SOA(testSOA),
				sig("example.org.", "1800", "SOA", "2"),
				test.NSEC("nope.example.org.\t1800\tIN\tNSEC\t\\000.nope.example.org. HINFO TXT AAAA LOC SRV CERT SSHFP RRSIG NSEC TLSA HIP OPENPGPKEY SPF"),
				sig("nope.example.org.", "1800", "NSEC", "3"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// NXDOMAIN without DO stays NXDOMAIN.
			Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(testSOA)},
		},
		{
			// NODATA at a name.
			Qname: "www.example.org.", Qtype: dns.TypeTXT, Do: true, Authoritative: true,
			Ns: []dns.RR{
				test.SOA(testSOA),
				sig("example.org.", "1800", "SOA", "2"),
				test.NSEC("www.example.org.\t1800\tIN\tNSEC\t\\000.www.example.org. A HINFO AAAA LOC SRV CERT SSHFP RRSIG NSEC TLSA HIP OPENPGPKEY SPF"),
				sig("www.example.org.", "1800", "NSEC", "3"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// NODATA at the apex uses the apex bitmap.
			Qname: "example.org.", Qtype: dns.TypeMX, Do: true, Authoritative: true,
			Ns: []dns.RR{
				test.SOA(testSOA),
				sig("example.org.", "1800", "SOA", "2"),
				test.NSEC("example.org.\t1800\tIN\tNSEC\t\\000.example.org. A NS SOA HINFO TXT AAAA LOC SRV CERT SSHFP RRSIG NSEC DNSKEY TLSA HIP OPENPGPKEY SPF"),
				sig("example.org.", "1800", "NSEC", "2"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// An NSEC query gets the black lie as its answer.
			Qname: "nope.example.org.", Qtype: dns.TypeNSEC, Do: true, Authoritative: true,
			Answer: []dns.RR{
				test.NSEC("nope.example.org.\t1800\tIN\tNSEC\t\\000.nope.example.org. A HINFO TXT AAAA LOC SRV CERT SSHFP RRSIG TLSA HIP OPENPGPKEY SPF"),
				sig("nope.example.org.", "1800", "NSEC", "3"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// Delegations are not touched.
			Qname: "a.sub.example.org.", Qtype: dns.TypeA, Do: true,
			Ns:    []dns.RR{test.NS("sub.example.org.\t300\tIN\tNS\tns.sub.example.org.")},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// Only records of the zone are signed.
			Qname: "cname.example.org.", Qtype: dns.TypeA, Do: true, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("cname.example.org.\t300\tIN\tCNAME\twww.example.net."),
				sig("cname.example.org.", "300", "CNAME", "3"),
				test.A("www.example.net.\t300\tIN\tA\t198.51.100.1"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			// DNSKEY at the apex is answered by the plugin itself.
			Qname: "example.org.", Qtype: dns.TypeDNSKEY, Do: true, Authoritative: true,
			Answer: []dns.RR{
				key.keyRR("example.org.", 3600),
				sig("example.org.", "3600", "DNSKEY", "2"),
			},
			Extra: []dns.RR{&dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: 4096, Ttl: 0x8000}}},
		},
		{
			Qname: "example.org.", Qtype: dns.TypeDNSKEY, Authoritative: true,
			Answer: []dns.RR{key.keyRR("example.org.", 3600)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if _, err := d.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
				t.Fatal(err)
			}
			verifyAll(t, rec.Msg, d.keys)
			if err := test.SortAndCheck(rec.Msg, tc); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestSignOutOfZone(t *testing.T) {
	key := loadKey(t, writeKey(t, t.TempDir(), "example.org.", dns.ECDSAP256SHA256, 257))
	d := newTestDnssec(t, key)
	tc := test.Case{Qname: "nope.example.com.", Qtype: dns.TypeA, Do: true, Rcode: dns.RcodeNameError, Authoritative: true,
		Ns: []dns.RR{test.SOA(testSOA)}}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	d.ServeDNS(context.Background(), rec, tc.Msg())
	tc.Extra = nil
	rec.Msg.Extra = nil // the backend does not mirror the OPT record
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

// TestSplitKeys checks that with a KSK and a ZSK the DNSKEY RRset is signed by
// the KSK only and everything else by the ZSK only.
func TestSplitKeys(t *testing.T) {
	dir := t.TempDir()
	ksk := loadKey(t, writeKey(t, dir, "example.org.", dns.ED25519, 257))
	zsk := loadKey(t, writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 256))
	d := newTestDnssec(t, ksk, zsk)

	for _, q := range []struct {
		qname string
		qtype uint16
		tag   uint16
	}{
		{"example.org.", dns.TypeDNSKEY, ksk.tag},
		{"www.example.org.", dns.TypeA, zsk.tag},
		{"nope.example.org.", dns.TypeA, zsk.tag},
	} {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		tc := test.Case{Qname: q.qname, Qtype: q.qtype, Do: true}
		d.ServeDNS(context.Background(), rec, tc.Msg())
		verifyAll(t, rec.Msg, d.keys)
		n := 0
		for _, sec := range [][]dns.RR{rec.Msg.Answer, rec.Msg.Ns, rec.Msg.Extra} {
			for _, rr := range sec {
				if s, ok := rr.(*dns.RRSIG); ok {
					n++
					if s.KeyTag != q.tag {
						t.Errorf("%s/%s: RRSIG over %s by key %d, want %d", q.qname, dns.TypeToString[q.qtype], dns.TypeToString[s.TypeCovered], s.KeyTag, q.tag)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s/%s: no signatures", q.qname, dns.TypeToString[q.qtype])
		}
	}
	if len(rrsOfType(d.dnskeys["example.org."], dns.TypeDNSKEY)) != 2 {
		t.Errorf("want both keys in the DNSKEY RRset")
	}
}

func rrsOfType(rrs []dns.RR, t uint16) []dns.RR {
	var out []dns.RR
	for _, r := range rrs {
		if r.Header().Rrtype == t {
			out = append(out, r)
		}
	}
	return out
}

func counterValue(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	if m.Counter != nil {
		return m.Counter.GetValue()
	}
	return m.Gauge.GetValue()
}

func TestCacheMetrics(t *testing.T) {
	key := loadKey(t, writeKey(t, t.TempDir(), "example.org.", dns.ECDSAP256SHA256, 257))
	d := newTestDnssec(t, key)
	const server = "" // no server in a bare context
	hits0 := counterValue(t, cacheHits.WithLabelValues(server))
	miss0 := counterValue(t, cacheMisses.WithLabelValues(server))

	tc := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Do: true}
	var first *dns.Msg
	for i := 0; i < 2; i++ {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		d.ServeDNS(context.Background(), rec, tc.Msg())
		verifyAll(t, rec.Msg, d.keys)
		if i == 0 {
			first = rec.Msg
			continue
		}
		// The second answer carries the very same signatures.
		if first.Answer[2].(*dns.RRSIG).Signature != rec.Msg.Answer[2].(*dns.RRSIG).Signature {
			t.Errorf("second answer was signed again instead of served from the cache")
		}
	}
	// Three RRsets (answer, authority, additional): three misses, then three hits.
	if got := counterValue(t, cacheMisses.WithLabelValues(server)) - miss0; got != 3 {
		t.Errorf("misses = %v, want 3", got)
	}
	if got := counterValue(t, cacheHits.WithLabelValues(server)) - hits0; got != 3 {
		t.Errorf("hits = %v, want 3", got)
	}
	if got := counterValue(t, cacheSize.WithLabelValues(server, typeSignature)); got != 3 {
		t.Errorf("cache entries = %v, want 3", got)
	}
}

// TestHashRRset checks that the cache key ignores TTL, owner case and
// record order, and not the data.
func TestHashRRset(t *testing.T) {
	a := []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.2")}
	b := []dns.RR{test.A("WWW.Example.org. 20 IN A 192.0.2.2"), test.A("www.example.org. 20 IN A 192.0.2.1")}
	c := []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.3")}
	if hashRRset(a, "example.org.") != hashRRset(b, "example.org.") {
		t.Error("equal RRsets hash differently")
	}
	if hashRRset(a, "example.org.") == hashRRset(c, "example.org.") {
		t.Error("different RRsets hash the same")
	}
	if hashRRset(a, "example.org.") == hashRRset(a, "www.example.org.") {
		t.Error("different signers hash the same")
	}
}
