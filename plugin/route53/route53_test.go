package route53

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/miekg/dns"
)

var testKeys = map[string][]string{
	"example.org.": {"Z1PUBLIC", "Z2PRIVATE"},
	"example.gov.": {"Z3GOV"},
}

var testNames = []string{"example.org.", "example.gov."}

// newTestRoute53 loads the fake's zones into a plugin whose next handler
// answers with a TXT record naming itself.
func newTestRoute53(t *testing.T, f *fakeClient) *Route53 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	h, err := New(ctx, f, testKeys, testNames, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Run(ctx); err != nil {
		t.Fatal(err)
	}
	h.Fall = fall.F{Zones: []string{"example.gov."}}
	h.Next = test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.TXT(r.Question[0].Name + " 0 IN TXT next")}
		w.WriteMsg(m) //nolint:errcheck // test
		return dns.RcodeSuccess, nil
	})
	return h
}

var (
	nsOrg  = test.NS("example.org. 172800 IN NS ns-1536.awsdns-00.co.uk.")
	soaRR  = test.SOA("example.org. 900 IN SOA " + soaOrg)
	soaPRR = test.SOA("example.org. 900 IN SOA " + soaPriv)
)

var serveTests = []test.Case{
	{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "EXAMPLE.org.", Qtype: dns.TypeAAAA,
		Answer: []dns.RR{test.AAAA("example.org. 300 IN AAAA 2001:db8::1")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "example.org.", Qtype: dns.TypeSOA,
		Answer: []dns.RR{soaRR},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "example.org.", Qtype: dns.TypeNS,
		Answer: []dns.RR{nsOrg},
	},
	{
		Qname: "example.org.", Qtype: dns.TypeMX,
		Answer: []dns.RR{test.MX("example.org. 300 IN MX 10 mail.example.org.")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "_sip._tcp.example.org.", Qtype: dns.TypeSRV,
		Answer: []dns.RR{test.SRV("_sip._tcp.example.org. 300 IN SRV 1 2 5060 sip.example.org.")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "www.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{
			test.CNAME("www.example.org. 300 IN CNAME example.org."),
			test.A("example.org. 300 IN A 192.0.2.1"),
		},
		Ns: []dns.RR{nsOrg},
	},
	{
		Qname: "foo.wild.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("foo.wild.example.org. 60 IN A 192.0.2.9")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "txt.example.org.", Qtype: dns.TypeTXT,
		Answer: []dns.RR{
			test.TXT(`txt.example.org. 300 IN TXT "hello world"`),
			test.TXT(`txt.example.org. 300 IN TXT "a*b"`),
		},
		Ns: []dns.RR{nsOrg},
	},
	// Alias record sets are CNAMEs to their target; one inside the zone is
	// followed.
	{
		Qname: "alias.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{
			test.CNAME("alias.example.org. 300 IN CNAME example.org."),
			test.A("example.org. 300 IN A 192.0.2.1"),
		},
		Ns: []dns.RR{nsOrg},
	},
	{
		Qname: "elb.example.org.", Qtype: dns.TypeCNAME,
		Answer: []dns.RR{test.CNAME("elb.example.org. 300 IN CNAME my-lb-1.us-east-1.elb.amazonaws.com.")},
		Ns:     []dns.RR{nsOrg},
	},
	// NODATA from the first hosted zone.
	{
		Qname: "www.example.org.", Qtype: dns.TypeTXT,
		Answer: []dns.RR{test.CNAME("www.example.org. 300 IN CNAME example.org.")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "txt.example.org.", Qtype: dns.TypeA,
		Ns: []dns.RR{soaRR},
	},
	// The first hosted zone that has the name wins.
	{
		Qname: "split.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("split.example.org. 300 IN A 192.0.2.50")},
		Ns:     []dns.RR{nsOrg},
	},
	{
		Qname: "private.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("private.example.org. 300 IN A 10.0.0.2")},
		Ns:     []dns.RR{test.NS("example.org. 172800 IN NS ns-1.awsdns-00.com.")},
	},
	// A name in no hosted zone: the SOA of the last one.
	{
		Qname: "nothere.example.org.", Qtype: dns.TypeA,
		Rcode: dns.RcodeNameError,
		Ns:    []dns.RR{soaPRR},
	},
	// Delegation.
	{
		Qname: "host.sub.example.org.", Qtype: dns.TypeA,
		Ns: []dns.RR{test.NS("sub.example.org. 300 IN NS ns.sub.example.org.")},
	},
	// Fallthrough for example.gov only.
	{
		Qname: "a.example.gov.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("a.example.gov. 300 IN A 192.0.2.77")},
		Ns:     []dns.RR{test.NS("example.gov. 172800 IN NS ns-2.awsdns-00.net.")},
	},
	{
		Qname: "b.example.gov.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.TXT("b.example.gov. 0 IN TXT next")},
	},
	{
		Qname: "a.example.gov.", Qtype: dns.TypeAAAA,
		Ns: []dns.RR{test.SOA("example.gov. 900 IN SOA " + soaGov)},
	},
	// Outside the zones: next plugin.
	{
		Qname: "example.net.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.TXT("example.net. 0 IN TXT next")},
	},
}

func TestServeDNS(t *testing.T) {
	h := newTestRoute53(t, newFake())
	for i, tc := range serveTests {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatalf("test %d %s/%s: %v", i, tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
		if rec.Msg == nil {
			t.Fatalf("test %d %s/%s: no reply", i, tc.Qname, dns.TypeToString[tc.Qtype])
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("test %d %s/%s: %v", i, tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func TestServeDNSAuthoritative(t *testing.T) {
	h := newTestRoute53(t, newFake())
	for _, c := range []struct {
		qname string
		aa    bool
	}{{"example.org.", true}, {"nothere.example.org.", true}, {"host.sub.example.org.", false}} {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetQuestion(c.qname, dns.TypeA)
		h.ServeDNS(context.Background(), rec, m) //nolint:errcheck // checked through rec
		if rec.Msg.Authoritative != c.aa {
			t.Errorf("%s: AA = %v, want %v", c.qname, rec.Msg.Authoritative, c.aa)
		}
	}
}

func TestPagination(t *testing.T) {
	f := newFake()
	f.pageSize = 1
	newTestRoute53(t, f)
	want := len(f.zones["Z1PUBLIC"]) + len(f.zones["Z2PRIVATE"]) + len(f.zones["Z3GOV"])
	if f.calls != want {
		t.Errorf("ListResourceRecordSets calls = %d, want %d (one a record set)", f.calls, want)
	}
}

func TestRefresh(t *testing.T) {
	f := newFake()
	h := newTestRoute53(t, f)
	f.set("Z3GOV", []types.ResourceRecordSet{
		rrset("example.gov.", types.RRTypeSoa, 900, soaGov),
		rrset("example.gov.", types.RRTypeNs, 172800, "ns-2.awsdns-00.net."),
		rrset("a.example.gov.", types.RRTypeA, 300, "192.0.2.78"),
	})
	if err := h.updateZones(context.Background()); err != nil {
		t.Fatal(err)
	}
	tc := test.Case{
		Qname: "a.example.gov.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("a.example.gov. 300 IN A 192.0.2.78")},
		Ns:     []dns.RR{test.NS("example.gov. 172800 IN NS ns-2.awsdns-00.net.")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	h.ServeDNS(context.Background(), rec, tc.Msg()) //nolint:errcheck // checked through rec
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}

	// A failed refresh keeps the data that was there.
	f.mu.Lock()
	f.listErr = errors.New("Throttling")
	f.mu.Unlock()
	if err := h.updateZones(context.Background()); err == nil || !strings.Contains(err.Error(), "Throttling") {
		t.Fatalf("updateZones error = %v, want Throttling", err)
	}
	rec = dnstest.NewRecorder(&test.ResponseWriter{})
	h.ServeDNS(context.Background(), rec, tc.Msg()) //nolint:errcheck // checked through rec
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

func TestRefreshLoop(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := New(ctx, f, testKeys, testNames, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Run(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		calls := f.calls
		f.mu.Unlock()
		if calls >= 3*len(f.zones)*2 { // several rounds
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d ListResourceRecordSets calls after 5s", calls)
		}
		// Queries run while the zones are swapped.
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetQuestion("split.example.org.", dns.TypeA)
		h.ServeDNS(ctx, rec, m) //nolint:errcheck // checked through rec
		if rec.Msg == nil || len(rec.Msg.Answer) != 1 {
			t.Fatalf("bad answer during refresh: %v", rec.Msg)
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
}

func TestNewErrors(t *testing.T) {
	ctx := context.Background()
	f := newFake()
	if _, err := New(ctx, f, map[string][]string{"example.org.": {"ZMISSING"}}, []string{"example.org."}, time.Minute); err == nil {
		t.Error("expected an error for a missing hosted zone")
	}

	f.listErr = errors.New("AccessDenied")
	h, err := New(ctx, f, testKeys, testNames, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Run(ctx); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("Run error = %v, want AccessDenied", err)
	}
}

// Before the first load a zone has no SOA: the plugin answers SERVFAIL.
func TestServeDNSNotLoaded(t *testing.T) {
	h, err := New(context.Background(), newFake(), testKeys, testNames, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	rcode, _ := h.ServeDNS(context.Background(), rec, m)
	if rcode != dns.RcodeServerFailure {
		t.Errorf("rcode = %d, want SERVFAIL", rcode)
	}
}

func TestInsertRRS(t *testing.T) {
	bad := []types.ResourceRecordSet{
		rrset("x.example.org.", types.RRTypeA, 300, "not-an-address"),
		rrset("x\\05.example.org.", types.RRTypeA, 300, "192.0.2.1"),
		rrset("x.example.org.", types.RRTypeA, 300, "192.0.2.1\\"),
	}
	for _, rrs := range bad {
		z := newFake()
		z.zones["Z1PUBLIC"] = append(z.zones["Z1PUBLIC"], rrs)
		h, err := New(context.Background(), z, testKeys, testNames, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Run(context.Background()); err == nil {
			t.Errorf("%s %s %v: expected an error", aws.ToString(rrs.Name), rrs.Type, rrs.ResourceRecords)
		}
	}
}

func TestUnescape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"example.org.", "example.org."},
		{`\052.example.org.`, "*.example.org."},
		{`a\100b.example.org.`, `a\064b.example.org.`},
		{`a\040b`, `a\032b`},
		{`"quoted \"text\""`, `"quoted \"text\""`},
		{`\055\137`, "-_"},
	} {
		got, err := unescape(c.in)
		if err != nil {
			t.Errorf("unescape(%q): %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("unescape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, in := range []string{`a\`, `\05`, `\058`, `\477`} {
		if _, err := unescape(in); err == nil {
			t.Errorf("unescape(%q): expected an error", in)
		}
	}
}
