package clouddns

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	gdns "google.golang.org/api/dns/v1"
)

// fakeDNS serves record sets of managed zones keyed by "project/zone".
type fakeDNS struct {
	sets map[string][]*gdns.ResourceRecordSet
	err  error
}

func (f *fakeDNS) zoneExists(_ context.Context, project, zone string) error {
	if _, ok := f.sets[project+"/"+zone]; !ok {
		return errors.New("managed zone not found")
	}
	return nil
}

func (f *fakeDNS) listRRSets(_ context.Context, project, zone string) ([]*gdns.ResourceRecordSet, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.sets[project+"/"+zone], nil
}

func rrset(name, typ string, ttl int64, data ...string) *gdns.ResourceRecordSet {
	return &gdns.ResourceRecordSet{Name: name, Type: typ, Ttl: ttl, Rrdatas: data}
}

const (
	pubSOA  = "example.org. 21600 IN SOA ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"
	privSOA = "example.org. 21600 IN SOA ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"
)

func fakeZones() *fakeDNS {
	return &fakeDNS{sets: map[string][]*gdns.ResourceRecordSet{
		"proj/private-zone": {
			rrset("example.org.", "SOA", 21600, "ns-gcp-private.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"),
			rrset("example.org.", "NS", 21600, "ns-gcp-private.googledomains.com."),
			rrset("internal.example.org.", "A", 60, "10.0.0.1"),
		},
		"proj/public-zone": {
			rrset("example.org.", "SOA", 21600, "ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"),
			rrset("example.org.", "NS", 21600, "ns-cloud-a1.googledomains.com.", "ns-cloud-a2.googledomains.com."),
			rrset("example.org.", "MX", 300, "10 mail.example.org."),
			rrset("www.example.org.", "A", 300, "192.0.2.1", "192.0.2.2"),
			rrset("www.example.org.", "AAAA", 300, "2001:db8::1"),
			rrset("alias.example.org.", "CNAME", 60, "www.example.org."),
			rrset("txt.example.org.", "TXT", 60, `"hello world" "two"`),
			rrset("_sip._tcp.example.org.", "SRV", 60, "10 20 5060 sip.example.org."),
			rrset("example.org.", "CAA", 60, `0 issue "ca.example.net"`),
			rrset("sub.example.org.", "NS", 60, "ns.sub.example.org."),
			// Garbage and out-of-zone data are dropped.
			rrset("bad.example.org.", "A", 60, "not-an-address"),
			rrset("www.example.net.", "A", 60, "192.0.2.9"),
		},
		"proj/other-zone": {
			rrset("example.com.", "SOA", 300, "ns1.example.com. admin.example.com. 7 3600 600 86400 60"),
			rrset("www.example.com.", "A", 300, "198.51.100.1"),
		},
	}}
}

func newTestCloudDNS(t *testing.T, keys ...zoneKey) *CloudDNS {
	t.Helper()
	h := newCloudDNS(fakeZones(), keys)
	if err := h.check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.Next = nextHandler()
	return h
}

// nextHandler answers every query with the A record next.example. 192.0.2.53.
func nextHandler() test.Handler {
	return test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A("next.example. 5 IN A 192.0.2.53")}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	})
}

func pubNS() []dns.RR {
	return []dns.RR{
		test.NS("example.org. 21600 IN NS ns-cloud-a1.googledomains.com."),
		test.NS("example.org. 21600 IN NS ns-cloud-a2.googledomains.com."),
	}
}

func runCases(t *testing.T, h *CloudDNS, cases []test.Case) {
	t.Helper()
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s/%s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func TestServeDNS(t *testing.T) {
	// As documented, zones of one name are asked in the given order and the
	// last one answers for names none of them has.
	h := newTestCloudDNS(t,
		zoneKey{"example.org.", "proj", "private-zone"},
		zoneKey{"example.org.", "proj", "public-zone"},
		zoneKey{"example.com.", "proj", "other-zone"},
	)
	runCases(t, h, []test.Case{
		{
			Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.2")},
			Ns:     pubNS(),
		},
		{
			Qname: "www.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("www.example.org. 300 IN AAAA 2001:db8::1")},
			Ns:     pubNS(),
		},
		// The private zone is first and has the apex: its SOA wins.
		{
			Qname: "example.org.", Qtype: dns.TypeSOA, Authoritative: true,
			Answer: []dns.RR{test.SOA(privSOA)},
			Ns:     []dns.RR{test.NS("example.org. 21600 IN NS ns-gcp-private.googledomains.com.")},
		},
		// The apex exists in the private zone, so MX there is NODATA.
		{
			Qname: "example.org.", Qtype: dns.TypeMX, Authoritative: true,
			Ns: []dns.RR{test.SOA(privSOA)},
		},
		{
			Qname: "internal.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("internal.example.org. 60 IN A 10.0.0.1")},
			Ns:     []dns.RR{test.NS("example.org. 21600 IN NS ns-gcp-private.googledomains.com.")},
		},
		{
			Qname: "alias.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("alias.example.org. 60 IN CNAME www.example.org."),
				test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.2"),
			},
			Ns: pubNS(),
		},
		{
			Qname: "txt.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`txt.example.org. 60 IN TXT "hello world" "two"`)},
			Ns:     pubNS(),
		},
		{
			Qname: "_sip._tcp.example.org.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_sip._tcp.example.org. 60 IN SRV 10 20 5060 sip.example.org.")},
			Ns:     pubNS(),
		},
		{
			Qname: "www.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Ns: []dns.RR{test.SOA(pubSOA)},
		},
		{
			Qname: "bad.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(pubSOA)},
		},
		{
			Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(pubSOA)},
		},
		{
			Qname: "host.sub.example.org.", Qtype: dns.TypeA,
			Ns: []dns.RR{test.NS("sub.example.org. 60 IN NS ns.sub.example.org.")},
		},
		{
			Qname: "WWW.Example.COM.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.com. 300 IN A 198.51.100.1")},
		},
		{
			Qname: "www.example.net.", Qtype: dns.TypeA,
			Answer: []dns.RR{test.A("next.example. 5 IN A 192.0.2.53")},
		},
	})
}

func TestServeDNSFallthrough(t *testing.T) {
	h := newTestCloudDNS(t, zoneKey{"example.org.", "proj", "public-zone"})
	h.Fall = fall.F{Zones: []string{"example.org."}}
	runCases(t, h, []test.Case{
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("next.example. 5 IN A 192.0.2.53")}},
		{Qname: "www.example.org.", Qtype: dns.TypeTXT, Authoritative: true, Ns: []dns.RR{test.SOA(pubSOA)}},
		{
			Qname: "example.org.", Qtype: dns.TypeCAA, Authoritative: true,
			Answer: []dns.RR{test.CAA(`example.org. 60 IN CAA 0 issue "ca.example.net"`)},
			Ns:     pubNS(),
		},
	})
}

func TestUpdateKeepsOldDataOnError(t *testing.T) {
	f := fakeZones()
	h := newCloudDNS(f, []zoneKey{{"example.com.", "proj", "other-zone"}})
	if err := h.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.err = errors.New("quota exceeded")
	if err := h.updateZones(context.Background()); err == nil {
		t.Fatal("expected an error")
	}
	runCases(t, h, []test.Case{{
		Qname: "www.example.com.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.com. 300 IN A 198.51.100.1")},
	}})
}

func TestCheckMissingZone(t *testing.T) {
	h := newCloudDNS(fakeZones(), []zoneKey{{"example.org.", "proj", "nope"}})
	if err := h.check(context.Background()); err == nil {
		t.Fatal("expected an error for a managed zone Cloud DNS does not have")
	}
}

func TestRefresh(t *testing.T) {
	defer func(d time.Duration) { refreshInterval = d }(refreshInterval)
	refreshInterval = 10 * time.Millisecond

	f := fakeZones()
	h := newCloudDNS(f, []zoneKey{{"example.com.", "proj", "other-zone"}})
	if err := h.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.sets["proj/other-zone"] = append([]*gdns.ResourceRecordSet{}, f.sets["proj/other-zone"]...)
	f.sets["proj/other-zone"][1] = rrset("www.example.com.", "A", 300, "198.51.100.2")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go h.refresh(ctx)

	tc := test.Case{
		Qname: "www.example.com.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.com. 300 IN A 198.51.100.2")},
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		h.ServeDNS(context.Background(), rec, tc.Msg())
		err := test.SortAndCheck(rec.Msg, tc)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("zone not refreshed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
