package hosts

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const hostsData = `
# a comment line
10.0.0.1   host.example.org host alias.example.org # trailing comment
10.0.0.2   multi.example.org
10.0.0.3   multi.example.org
fd00::2    multi.example.org
::1        v6only.example.org
::ffff:10.0.0.9 mapped.example.org
fe80::9%eth0 zoned.example.org
10.0.0.4   Upper.Example.ORG
10.0.0.5   other.example.net
not-an-ip  broken.example.org
10.0.0.6
`

// markerRcode is what the next handler returns, to tell fallthrough apart.
const markerRcode = dns.RcodeNotZone

func newTestHosts(t *testing.T, data string, inline []string, fl fall.F, reverse bool) Hosts {
	t.Helper()
	opts := newOptions()
	opts.autoReverse = reverse
	h := Hosts{
		Next:      test.NextHandler(markerRcode, nil),
		Hostsfile: newHostsfile("", []string{"example.org.", "in-addr.arpa.", "ip6.arpa."}, opts),
		Fall:      fl,
	}
	h.setInline(inline)
	m := h.parse(strings.NewReader(data))
	h.Lock()
	h.file = m
	h.all = merge(h.file, h.inline)
	h.Unlock()
	return h
}

func TestServeDNS(t *testing.T) {
	h := newTestHosts(t, hostsData, []string{"10.0.0.7 host.example.org", "10.0.0.8 inline.example.org"}, fall.Zero, true)

	tests := []test.Case{
		{
			Qname: "host.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("host.example.org. 3600 IN A 10.0.0.1"),
				test.A("host.example.org. 3600 IN A 10.0.0.7"),
			},
		},
		{
			Qname: "ALIAS.example.ORG.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("alias.example.org. 3600 IN A 10.0.0.1")},
		},
		{
			Qname: "upper.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("upper.example.org. 3600 IN A 10.0.0.4")},
		},
		{
			Qname: "multi.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("multi.example.org. 3600 IN A 10.0.0.2"),
				test.A("multi.example.org. 3600 IN A 10.0.0.3"),
			},
		},
		{
			Qname: "multi.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("multi.example.org. 3600 IN AAAA fd00::2")},
		},
		// NODATA: the name exists with the other family only.
		{Qname: "host.example.org.", Qtype: dns.TypeAAAA, Authoritative: true},
		{Qname: "v6only.example.org.", Qtype: dns.TypeA, Authoritative: true},
		{Qname: "host.example.org.", Qtype: dns.TypeMX, Authoritative: true},
		// IPv4-mapped addresses count as IPv4.
		{
			Qname: "mapped.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("mapped.example.org. 3600 IN A 10.0.0.9")},
		},
		{Qname: "mapped.example.org.", Qtype: dns.TypeAAAA, Authoritative: true},
		// The zone of a link-local address is dropped.
		{
			Qname: "zoned.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("zoned.example.org. 3600 IN AAAA fe80::9")},
		},
		{
			Qname: "inline.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("inline.example.org. 3600 IN A 10.0.0.8")},
		},
		// PTR records, from the file and inline.
		{
			Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{
				test.PTR("1.0.0.10.in-addr.arpa. 3600 IN PTR host.example.org."),
				test.PTR("1.0.0.10.in-addr.arpa. 3600 IN PTR alias.example.org."),
			},
		},
		{
			Qname: "8.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("8.0.0.10.in-addr.arpa. 3600 IN PTR inline.example.org.")},
		},
		{
			Qname: "9.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("9.0.0.10.in-addr.arpa. 3600 IN PTR mapped.example.org.")},
		},
		{
			Qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa. 3600 IN PTR v6only.example.org.")},
		},
		// A name outside the origins was dropped while parsing, so is its PTR.
		{Qname: "5.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: markerRcode},
		// Unknown names without fallthrough: SERVFAIL.
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
		{Qname: "broken.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
		// Outside the origins: always the next plugin.
		{Qname: "other.example.net.", Qtype: dns.TypeA, Rcode: markerRcode},
		{Qname: "host.", Qtype: dns.TypeA, Rcode: markerRcode},
	}
	runCases(t, h, tests)
}

func TestServeDNSFallthroughAndNoReverse(t *testing.T) {
	h := newTestHosts(t, hostsData, nil, fall.Root, false)
	h.options.ttl = 60
	tests := []test.Case{
		{
			Qname: "host.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("host.example.org. 60 IN A 10.0.0.1")},
		},
		{Qname: "host.example.org.", Qtype: dns.TypeAAAA, Authoritative: true},
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: markerRcode},
		{Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: markerRcode},
	}
	runCases(t, h, tests)

	h.Fall = fall.F{Zones: []string{"sub.example.org."}}
	runCases(t, h, []test.Case{
		{Qname: "a.sub.example.org.", Qtype: dns.TypeA, Rcode: markerRcode},
		{Qname: "b.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
	})
}

func runCases(t *testing.T, h Hosts, tests []test.Case) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rcode, err := h.ServeDNS(context.Background(), rec, tc.Msg())
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.Rcode != dns.RcodeSuccess {
				if rcode != tc.Rcode || rec.Msg != nil {
					t.Fatalf("got rcode %d (written %v), want %d and nothing written", rcode, rec.Msg, tc.Rcode)
				}
				return
			}
			if rcode != dns.RcodeSuccess || rec.Msg == nil {
				t.Fatalf("got rcode %d, msg %v", rcode, rec.Msg)
			}
			if err := test.SortAndCheck(rec.Msg, tc); err != nil {
				t.Fatal(err)
			}
			if q := rec.Msg.Question[0].Name; q != tc.Qname {
				t.Errorf("question %q, want %q", q, tc.Qname)
			}
		})
	}
}

func TestMapLen(t *testing.T) {
	h := newTestHosts(t, hostsData, []string{"10.0.0.8 inline.example.org x.example.org"}, fall.Zero, true)
	// host, alias, multi x3, v6only, mapped, zoned, upper = 9 in the file.
	if n := h.file.Len(); n != 9 {
		t.Errorf("file entries %d, want 9", n)
	}
	if n := h.inline.Len(); n != 2 {
		t.Errorf("inline entries %d, want 2", n)
	}
}
