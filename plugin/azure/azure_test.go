package azure

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/dns/armdns"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/privatedns/armprivatedns"
	"github.com/miekg/dns"
)

// fakePublic serves record sets of public zones keyed by "group/zone".
type fakePublic struct {
	sets map[string][]*armdns.RecordSet
	err  error
}

func (f *fakePublic) zoneExists(_ context.Context, group, zone string) error {
	if _, ok := f.sets[group+"/"+zone]; !ok {
		return errors.New("zone not found")
	}
	return nil
}

func (f *fakePublic) recordSets(_ context.Context, group, zone string) ([]*armdns.RecordSet, error) {
	if f.err != nil {
		return nil, f.err
	}
	return f.sets[group+"/"+zone], nil
}

// fakePrivate serves record sets of private zones keyed by "group/zone".
type fakePrivate struct {
	sets map[string][]*armprivatedns.RecordSet
}

func (f *fakePrivate) zoneExists(_ context.Context, group, zone string) error {
	if _, ok := f.sets[group+"/"+zone]; !ok {
		return errors.New("zone not found")
	}
	return nil
}

func (f *fakePrivate) recordSets(_ context.Context, group, zone string) ([]*armprivatedns.RecordSet, error) {
	return f.sets[group+"/"+zone], nil
}

func pubSet(fqdn string, ttl int64, p armdns.RecordSetProperties) *armdns.RecordSet {
	p.Fqdn = to.Ptr(fqdn)
	p.TTL = to.Ptr(ttl)
	return &armdns.RecordSet{Properties: &p}
}

func privSet(fqdn string, ttl int64, p armprivatedns.RecordSetProperties) *armprivatedns.RecordSet {
	p.Fqdn = to.Ptr(fqdn)
	p.TTL = to.Ptr(ttl)
	return &armprivatedns.RecordSet{Properties: &p}
}

func publicSOA() *armdns.SoaRecord {
	return &armdns.SoaRecord{
		Host: to.Ptr("ns1-01.azure-dns.com."), Email: to.Ptr("azuredns-hostmaster.microsoft.com"),
		SerialNumber: to.Ptr[int64](1), RefreshTime: to.Ptr[int64](3600), RetryTime: to.Ptr[int64](300),
		ExpireTime: to.Ptr[int64](2419200), MinimumTTL: to.Ptr[int64](300),
	}
}

// FakePublicZones holds example.org in group rg1 as a public zone.
func fakePublicZones() *fakePublic {
	return &fakePublic{sets: map[string][]*armdns.RecordSet{
		"rg1/example.org": {
			pubSet("example.org.", 3600, armdns.RecordSetProperties{SoaRecord: publicSOA()}),
			pubSet("example.org.", 172800, armdns.RecordSetProperties{NsRecords: []*armdns.NsRecord{
				{Nsdname: to.Ptr("ns1-01.azure-dns.com.")}, {Nsdname: to.Ptr("ns2-01.azure-dns.net.")},
			}}),
			pubSet("example.org.", 300, armdns.RecordSetProperties{MxRecords: []*armdns.MxRecord{
				{Preference: to.Ptr[int32](10), Exchange: to.Ptr("mail.example.org")},
			}}),
			pubSet("www.example.org.", 300, armdns.RecordSetProperties{
				ARecords:    []*armdns.ARecord{{IPv4Address: to.Ptr("192.0.2.1")}, {IPv4Address: to.Ptr("192.0.2.2")}},
				AaaaRecords: nil,
			}),
			pubSet("www.example.org.", 300, armdns.RecordSetProperties{
				AaaaRecords: []*armdns.AaaaRecord{{IPv6Address: to.Ptr("2001:db8::1")}},
			}),
			pubSet("alias.example.org.", 60, armdns.RecordSetProperties{CnameRecord: &armdns.CnameRecord{Cname: to.Ptr("www.example.org")}}),
			pubSet("txt.example.org.", 60, armdns.RecordSetProperties{TxtRecords: []*armdns.TxtRecord{
				{Value: []*string{to.Ptr("hello"), to.Ptr("world")}},
			}}),
			pubSet("_sip._tcp.example.org.", 60, armdns.RecordSetProperties{SrvRecords: []*armdns.SrvRecord{
				{Priority: to.Ptr[int32](10), Weight: to.Ptr[int32](20), Port: to.Ptr[int32](5060), Target: to.Ptr("sip.example.org")},
			}}),
			pubSet("1.example.org.", 60, armdns.RecordSetProperties{PtrRecords: []*armdns.PtrRecord{{Ptrdname: to.Ptr("host.example.org")}}}),
			pubSet("sub.example.org.", 60, armdns.RecordSetProperties{NsRecords: []*armdns.NsRecord{{Nsdname: to.Ptr("ns.sub.example.org.")}}}),
			// Out of zone: dropped.
			pubSet("www.example.net.", 60, armdns.RecordSetProperties{ARecords: []*armdns.ARecord{{IPv4Address: to.Ptr("192.0.2.9")}}}),
		},
	}}
}

// fakePrivateZones holds example.org in group rg2 as a private zone.
func fakePrivateZones() *fakePrivate {
	return &fakePrivate{sets: map[string][]*armprivatedns.RecordSet{
		"rg2/example.org": {
			privSet("example.org.", 3600, armprivatedns.RecordSetProperties{SoaRecord: &armprivatedns.SoaRecord{
				Host: to.Ptr("azureprivatedns.net"), Email: to.Ptr("azureprivatedns-host.microsoft.com"),
				SerialNumber: to.Ptr[int64](1), RefreshTime: to.Ptr[int64](3600), RetryTime: to.Ptr[int64](300),
				ExpireTime: to.Ptr[int64](2419200), MinimumTTL: to.Ptr[int64](10),
			}}),
			privSet("private.example.org.", 30, armprivatedns.RecordSetProperties{ARecords: []*armprivatedns.ARecord{{IPv4Address: to.Ptr("10.0.0.1")}}}),
			privSet("private.example.org.", 30, armprivatedns.RecordSetProperties{TxtRecords: []*armprivatedns.TxtRecord{{Value: []*string{to.Ptr("inside")}}}}),
		},
	}}
}

func newTestAzure(t *testing.T) *Azure {
	t.Helper()
	a := newAzure(fakePublicZones(), fakePrivateZones(), []*hostedZone{
		{resourceGroup: "rg1", name: "example.org"},
		{resourceGroup: "rg2", name: "example.org", private: true},
	})
	if err := a.check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := a.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.Next = nextHandler()
	return a
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

const (
	pubSOA  = "example.org. 3600 IN SOA ns1-01.azure-dns.com. azuredns-hostmaster.microsoft.com. 1 3600 300 2419200 300"
	privSOA = "example.org. 3600 IN SOA azureprivatedns.net. azureprivatedns-host.microsoft.com. 1 3600 300 2419200 10"
)

func TestServeDNS(t *testing.T) {
	a := newTestAzure(t)
	cases := []test.Case{
		{
			Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.2")},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "www.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("www.example.org. 300 IN AAAA 2001:db8::1")},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "example.org.", Qtype: dns.TypeSOA, Authoritative: true,
			Answer: []dns.RR{test.SOA(pubSOA)},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "example.org.", Qtype: dns.TypeMX, Authoritative: true,
			Answer: []dns.RR{test.MX("example.org. 300 IN MX 10 mail.example.org.")},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "alias.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("alias.example.org. 60 IN CNAME www.example.org."),
				test.A("www.example.org. 300 IN A 192.0.2.1"), test.A("www.example.org. 300 IN A 192.0.2.2"),
			},
			Ns: []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "txt.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`txt.example.org. 60 IN TXT "hello" "world"`)},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "_sip._tcp.example.org.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_sip._tcp.example.org. 60 IN SRV 10 20 5060 sip.example.org.")},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		{
			Qname: "1.example.org.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("1.example.org. 60 IN PTR host.example.org.")},
			Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
		},
		// NODATA in the public zone: it stops there.
		{
			Qname: "www.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Ns: []dns.RR{test.SOA(pubSOA)},
		},
		// Only the private zone (second in order) has the name.
		{
			Qname: "private.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("private.example.org. 30 IN A 10.0.0.1")},
		},
		{
			Qname: "private.example.org.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`private.example.org. 30 IN TXT "inside"`)},
		},
		// No zone has it: the answer of the last zone (private) stands.
		{
			Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(privSOA)},
		},
		// A referral from the first zone does not stop the search: the
		// private zone, asked last, does not have the name.
		{
			Qname: "host.sub.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(privSOA)},
		},
		// Not our zone: next plugin.
		{
			Qname: "www.example.net.", Qtype: dns.TypeA,
			Answer: []dns.RR{test.A("next.example. 5 IN A 192.0.2.53")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if _, err := a.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
				t.Fatal(err)
			}
			if err := test.SortAndCheck(rec.Msg, tc); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestServeDNSFallthrough(t *testing.T) {
	a := newTestAzure(t)
	a.Fall = fall.Root
	cases := []test.Case{
		// NXDOMAIN goes to the next plugin.
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("next.example. 5 IN A 192.0.2.53")}},
		// NODATA does not.
		{Qname: "www.example.org.", Qtype: dns.TypeTXT, Authoritative: true, Ns: []dns.RR{test.SOA(pubSOA)}},
		// Neither does an answer.
		{
			Qname: "private.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("private.example.org. 30 IN A 10.0.0.1")},
		},
	}
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := a.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s: %v", tc.Qname, err)
		}
	}
}

func TestUpdateKeepsOldDataOnError(t *testing.T) {
	pub := fakePublicZones()
	a := newAzure(pub, nil, []*hostedZone{{resourceGroup: "rg1", name: "example.org"}})
	if err := a.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	pub.err = errors.New("throttled")
	if err := a.updateZones(context.Background()); err == nil {
		t.Fatal("expected an error")
	}
	tc := test.Case{
		Qname: "www.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("www.example.org. 300 IN AAAA 2001:db8::1")},
		Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns1-01.azure-dns.com."), test.NS("example.org. 172800 IN NS ns2-01.azure-dns.net.")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	a.ServeDNS(context.Background(), rec, tc.Msg())
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

func TestCheckMissingZone(t *testing.T) {
	a := newAzure(fakePublicZones(), fakePrivateZones(), []*hostedZone{{resourceGroup: "rg9", name: "example.org"}})
	if err := a.check(context.Background()); err == nil {
		t.Fatal("expected an error for a zone Azure does not have")
	}
}

func TestOwner(t *testing.T) {
	tests := []struct {
		fqdn, name *string
		want       string
	}{
		{to.Ptr("www.example.org."), to.Ptr("www"), "www.example.org."},
		{to.Ptr("WWW.example.org"), nil, "WWW.example.org."},
		{nil, to.Ptr("@"), "example.org."},
		{nil, to.Ptr("a.b"), "a.b.example.org."},
		{nil, nil, "example.org."},
	}
	for _, tc := range tests {
		if got := owner(tc.fqdn, tc.name, "example.org."); got != tc.want {
			t.Errorf("owner(%v, %v) = %q, want %q", tc.fqdn, tc.name, got, tc.want)
		}
	}
}

func TestServeDNSPublicOnly(t *testing.T) {
	a := newAzure(fakePublicZones(), nil, []*hostedZone{{resourceGroup: "rg1", name: "example.org"}})
	if err := a.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	cases := []test.Case{
		{
			Qname: "host.sub.example.org.", Qtype: dns.TypeA,
			Ns: []dns.RR{test.NS("sub.example.org. 60 IN NS ns.sub.example.org.")},
		},
		{
			Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA(pubSOA)},
		},
	}
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := a.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s: %v", tc.Qname, err)
		}
	}
}

func TestRefresh(t *testing.T) {
	defer func(d time.Duration) { refreshInterval = d }(refreshInterval)
	refreshInterval = 10 * time.Millisecond

	priv := fakePrivateZones()
	a := newAzure(nil, priv, []*hostedZone{{resourceGroup: "rg2", name: "example.org", private: true}})
	if err := a.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	sets := append([]*armprivatedns.RecordSet{}, priv.sets["rg2/example.org"]...)
	sets[1] = privSet("private.example.org.", 30, armprivatedns.RecordSetProperties{ARecords: []*armprivatedns.ARecord{{IPv4Address: to.Ptr("10.0.0.2")}}})
	priv.sets["rg2/example.org"] = sets

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go a.refresh(ctx)

	tc := test.Case{
		Qname: "private.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("private.example.org. 30 IN A 10.0.0.2")},
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		a.ServeDNS(context.Background(), rec, tc.Msg())
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
