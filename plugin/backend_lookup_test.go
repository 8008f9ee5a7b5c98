package plugin

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var errNoName = errors.New("name not found")

// fakeBackend serves services from a map keyed by owner name. A non-exact
// search also returns the services of names below the asked one.
type fakeBackend struct {
	services map[string][]msg.Service
	upstream map[string]map[uint16][]dns.RR
	serial   uint32
	minTTL   uint32
}

func (f *fakeBackend) find(name string, exact bool) ([]msg.Service, error) {
	owners := make([]string, 0, len(f.services))
	for owner := range f.services {
		if owner == name || (!exact && dns.IsSubDomain(name, owner)) {
			owners = append(owners, owner)
		}
	}
	if len(owners) == 0 {
		return nil, errNoName
	}
	sort.Strings(owners)
	var sx []msg.Service
	for _, o := range owners {
		sx = append(sx, f.services[o]...)
	}
	return sx, nil
}

func (f *fakeBackend) Services(_ context.Context, state request.Request, exact bool, _ Options) ([]msg.Service, error) {
	return f.find(state.Name(), exact)
}

func (f *fakeBackend) Reverse(_ context.Context, state request.Request, exact bool, _ Options) ([]msg.Service, error) {
	return f.find(state.Name(), exact)
}

func (f *fakeBackend) Records(_ context.Context, state request.Request, exact bool) ([]msg.Service, error) {
	return f.find(state.Name(), exact)
}

func (f *fakeBackend) Lookup(_ context.Context, state request.Request, name string, typ uint16) (*dns.Msg, error) {
	rrs, ok := f.upstream[name][typ]
	if !ok {
		return nil, errNoName
	}
	m := new(dns.Msg)
	m.SetQuestion(name, typ)
	m.Response = true
	m.Answer = rrs
	return m, nil
}

func (f *fakeBackend) IsNameError(err error) bool    { return errors.Is(err, errNoName) }
func (f *fakeBackend) Serial(request.Request) uint32 { return f.serial }
func (f *fakeBackend) MinTTL(request.Request) uint32 { return f.minTTL }

func svc(host, key string) msg.Service { return msg.Service{Host: host, Key: key, TTL: 30} }

func newFakeBackend() *fakeBackend {
	chain := func(from, to string) []msg.Service { return []msg.Service{svc(to, msg.Path(from, "skydns"))} }
	b := &fakeBackend{
		serial: 1234,
		minTTL: 30,
		services: map[string][]msg.Service{
			"a.skydns.test.":      {svc("10.0.0.1", "/skydns/test/skydns/a")},
			"x1.b.skydns.test.":   {{Host: "10.0.0.2", Port: 8080, Priority: 10, Mail: true, TTL: 30, Key: "/skydns/test/skydns/b/x1"}},
			"x2.b.skydns.test.":   {{Host: "2001:db8::2", Port: 8080, Priority: 10, TTL: 30, Key: "/skydns/test/skydns/b/x2"}},
			"x3.b.skydns.test.":   {{Host: "10.0.0.2", Port: 8081, Priority: 20, Weight: 50, TTL: 30, Key: "/skydns/test/skydns/b/x3"}},
			"cname.skydns.test.":  {svc("a.skydns.test", "/skydns/test/skydns/cname")},
			"ext.skydns.test.":    {svc("www.example.net", "/skydns/test/skydns/ext")},
			"loop.skydns.test.":   {svc("x.loop.skydns.test", "/skydns/test/skydns/loop")},
			"txt.skydns.test.":    {{Text: "hello", TTL: 30, Key: "/skydns/test/skydns/txt"}, {Text: "hello", TTL: 30, Key: "/skydns/test/skydns/txt/dup"}},
			"tcname.skydns.test.": {svc("txt.skydns.test", "/skydns/test/skydns/tcname")},
			"mx.skydns.test.": {
				{Host: "mail.example.net", Mail: true, Priority: 10, TTL: 30, Key: "/skydns/test/skydns/mx"},
				{Host: "mail.example.net", Mail: true, Priority: 20, TTL: 30, Key: "/skydns/test/skydns/mx/2"},
			},
			"srv.skydns.test.":        {{Host: "a.skydns.test", Port: 53, Priority: 10, TTL: 30, Key: "/skydns/test/skydns/srv"}},
			"np.skydns.test.":         {{Host: "10.0.0.9", Port: -1, TTL: 30, Key: "/skydns/test/skydns/np"}},
			"1.0.0.10.in-addr.arpa.":  {svc("a.skydns.test", "/skydns/arpa/in-addr/10/0/0/1"), svc("a.skydns.test", "/skydns/arpa/in-addr/10/0/0/1/b"), svc("10.0.0.1", "/skydns/arpa/in-addr/10/0/0/1/c")},
			"ns1.ns.dns.skydns.test.": {svc("10.0.0.53", "/skydns/test/skydns/dns/ns/ns1")},
			"apex.dns.skydns.test.":   {svc("10.0.0.100", "/skydns/test/skydns/dns/apex")},

			"c1.skydns.test.": chain("c1.skydns.test.", "c2.skydns.test"),
			"c2.skydns.test.": chain("c2.skydns.test.", "c3.skydns.test"),
			"c3.skydns.test.": chain("c3.skydns.test.", "c4.skydns.test"),
			"c4.skydns.test.": chain("c4.skydns.test.", "c5.skydns.test"),
			"c5.skydns.test.": chain("c5.skydns.test.", "c6.skydns.test"),
			"c6.skydns.test.": chain("c6.skydns.test.", "c7.skydns.test"),
			"c7.skydns.test.": chain("c7.skydns.test.", "c8.skydns.test"),
			"c8.skydns.test.": chain("c8.skydns.test.", "a.skydns.test"),
			"c0.skydns.test.": chain("c0.skydns.test.", "c1.skydns.test"),
		},
		upstream: map[string]map[uint16][]dns.RR{
			"www.example.net.": {
				dns.TypeA:    {test.A("www.example.net. 300 IN A 192.0.2.10")},
				dns.TypeAAAA: {test.AAAA("www.example.net. 300 IN AAAA 2001:db8::10")},
			},
			"mail.example.net.": {
				dns.TypeA: {test.A("mail.example.net. 300 IN A 192.0.2.25")},
				dns.TypeAAAA: {
					test.CNAME("mail.example.net. 300 IN CNAME mx.example.net."),
					test.AAAA("mx.example.net. 300 IN AAAA 2001:db8::25"),
				},
			},
		},
	}
	return b
}

// backendHandler answers the way the etcd plugin does, using the helpers.
type backendHandler struct {
	b     ServiceBackend
	zones Zones
}

func (h backendHandler) Name() string { return "fake" }

func (h backendHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	opt := Options{}
	state := request.Request{W: w, Req: r}
	zone := h.zones.Matches(state.Name())
	var (
		records, extra []dns.RR
		truncated      bool
		err            error
	)
	switch state.QType() {
	case dns.TypeA:
		records, truncated, err = A(ctx, h.b, zone, state, nil, opt)
	case dns.TypeAAAA:
		records, truncated, err = AAAA(ctx, h.b, zone, state, nil, opt)
	case dns.TypeTXT:
		records, truncated, err = TXT(ctx, h.b, zone, state, nil, opt)
	case dns.TypeCNAME:
		records, err = CNAME(ctx, h.b, zone, state, opt)
	case dns.TypePTR:
		records, err = PTR(ctx, h.b, zone, state, opt)
	case dns.TypeMX:
		records, extra, err = MX(ctx, h.b, zone, state, opt)
	case dns.TypeSRV:
		records, extra, err = SRV(ctx, h.b, zone, state, opt)
	case dns.TypeSOA:
		records, err = SOA(ctx, h.b, zone, state, opt)
	case dns.TypeNS:
		records, extra, err = NS(ctx, h.b, zone, state, opt)
	default:
		_, _, err = A(ctx, h.b, zone, state, nil, opt)
	}
	if err != nil && h.b.IsNameError(err) {
		return BackendError(ctx, h.b, zone, dns.RcodeNameError, state, nil, opt)
	}
	if err != nil {
		return dns.RcodeServerFailure, err
	}
	if len(records) == 0 {
		return BackendError(ctx, h.b, zone, dns.RcodeSuccess, state, nil, opt)
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative, m.Truncated = true, truncated
	m.Answer, m.Extra = records, extra
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

const testSOA = "skydns.test. 30 IN SOA ns.dns.skydns.test. hostmaster.skydns.test. 1234 7200 1800 86400 30"

func TestBackendLookup(t *testing.T) {
	h := backendHandler{b: newFakeBackend(), zones: Zones{"skydns.test.", "in-addr.arpa."}}
	cases := []test.Case{
		{Qname: "a.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("a.skydns.test. 30 IN A 10.0.0.1")}},
		{Qname: "A.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("A.skydns.test. 30 IN A 10.0.0.1")}},
		{Qname: "a.skydns.test.", Qtype: dns.TypeAAAA, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "b.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("b.skydns.test. 30 IN A 10.0.0.2")}},
		{Qname: "b.skydns.test.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("b.skydns.test. 30 IN AAAA 2001:db8::2")}},
		{Qname: "cname.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("cname.skydns.test. 30 IN CNAME a.skydns.test."),
			test.A("a.skydns.test. 30 IN A 10.0.0.1"),
		}},
		// In-zone target without AAAA: the CNAME is dropped as well.
		{Qname: "cname.skydns.test.", Qtype: dns.TypeAAAA, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "ext.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("ext.skydns.test. 30 IN CNAME www.example.net."),
			test.A("www.example.net. 300 IN A 192.0.2.10"),
		}},
		{Qname: "ext.skydns.test.", Qtype: dns.TypeAAAA, Answer: []dns.RR{
			test.CNAME("ext.skydns.test. 30 IN CNAME www.example.net."),
			test.AAAA("www.example.net. 300 IN AAAA 2001:db8::10"),
		}},
		// Upstream has no TXT: the CNAME is left out.
		{Qname: "ext.skydns.test.", Qtype: dns.TypeTXT, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "loop.skydns.test.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "nothing.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "nothing.skydns.test.", Qtype: dns.TypeHINFO, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "a.skydns.test.", Qtype: dns.TypeHINFO, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "c1.skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{
			test.CNAME("c1.skydns.test. 30 IN CNAME c2.skydns.test."),
			test.CNAME("c2.skydns.test. 30 IN CNAME c3.skydns.test."),
			test.CNAME("c3.skydns.test. 30 IN CNAME c4.skydns.test."),
			test.CNAME("c4.skydns.test. 30 IN CNAME c5.skydns.test."),
			test.CNAME("c5.skydns.test. 30 IN CNAME c6.skydns.test."),
			test.CNAME("c6.skydns.test. 30 IN CNAME c7.skydns.test."),
			test.CNAME("c7.skydns.test. 30 IN CNAME c8.skydns.test."),
			test.CNAME("c8.skydns.test. 30 IN CNAME a.skydns.test."),
			test.A("a.skydns.test. 30 IN A 10.0.0.1"),
		}},
		{Qname: "txt.skydns.test.", Qtype: dns.TypeTXT, Answer: []dns.RR{test.TXT(`txt.skydns.test. 30 IN TXT "hello"`)}},
		{Qname: "tcname.skydns.test.", Qtype: dns.TypeTXT, Answer: []dns.RR{
			test.CNAME("tcname.skydns.test. 30 IN CNAME txt.skydns.test."),
			test.TXT(`txt.skydns.test. 30 IN TXT "hello"`),
		}},
		{Qname: "cname.skydns.test.", Qtype: dns.TypeCNAME, Answer: []dns.RR{test.CNAME("cname.skydns.test. 30 IN CNAME a.skydns.test.")}},
		{Qname: "a.skydns.test.", Qtype: dns.TypeCNAME, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "mx.skydns.test.", Qtype: dns.TypeMX,
			Answer: []dns.RR{
				test.MX("mx.skydns.test. 30 IN MX 10 mail.example.net."),
				test.MX("mx.skydns.test. 30 IN MX 20 mail.example.net."),
			},
			Extra: []dns.RR{
				test.A("mail.example.net. 300 IN A 192.0.2.25"),
				test.AAAA("mx.example.net. 300 IN AAAA 2001:db8::25"),
			},
		},
		{Qname: "b.skydns.test.", Qtype: dns.TypeMX,
			Answer: []dns.RR{test.MX("b.skydns.test. 30 IN MX 10 x1.b.skydns.test.")},
			Extra:  []dns.RR{test.A("x1.b.skydns.test. 30 IN A 10.0.0.2")},
		},
		{Qname: "a.skydns.test.", Qtype: dns.TypeMX, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "b.skydns.test.", Qtype: dns.TypeSRV,
			Answer: []dns.RR{
				test.SRV("b.skydns.test. 30 IN SRV 10 50 8080 x1.b.skydns.test."),
				test.SRV("b.skydns.test. 30 IN SRV 10 50 8080 x2.b.skydns.test."),
				test.SRV("b.skydns.test. 30 IN SRV 20 100 8081 x3.b.skydns.test."),
			},
			Extra: []dns.RR{
				test.A("x1.b.skydns.test. 30 IN A 10.0.0.2"),
				test.AAAA("x2.b.skydns.test. 30 IN AAAA 2001:db8::2"),
				test.A("x3.b.skydns.test. 30 IN A 10.0.0.2"),
			},
		},
		{Qname: "srv.skydns.test.", Qtype: dns.TypeSRV,
			Answer: []dns.RR{test.SRV("srv.skydns.test. 30 IN SRV 10 100 53 a.skydns.test.")},
			Extra:  []dns.RR{test.A("a.skydns.test. 30 IN A 10.0.0.1")},
		},
		{Qname: "np.skydns.test.", Qtype: dns.TypeSRV, Ns: []dns.RR{test.SOA(testSOA)}},
		{Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Answer: []dns.RR{test.PTR("1.0.0.10.in-addr.arpa. 30 IN PTR a.skydns.test.")}},
		{Qname: "skydns.test.", Qtype: dns.TypeNS,
			Answer: []dns.RR{test.NS("skydns.test. 30 IN NS ns1.ns.dns.skydns.test.")},
			Extra:  []dns.RR{test.A("ns1.ns.dns.skydns.test. 30 IN A 10.0.0.53")},
		},
		{Qname: "skydns.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("skydns.test. 30 IN A 10.0.0.100")}},
		{Qname: "skydns.test.", Qtype: dns.TypeSOA, Answer: []dns.RR{test.SOA(testSOA)}},
	}
	for _, tc := range cases {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Errorf("%s/%s: unexpected error %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
			continue
		}
		if rec.Msg == nil {
			t.Errorf("%s/%s: nothing written", tc.Qname, dns.TypeToString[tc.Qtype])
			continue
		}
		if !rec.Msg.Authoritative {
			t.Errorf("%s/%s: reply is not authoritative", tc.Qname, dns.TypeToString[tc.Qtype])
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s/%s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func stateFor(name string, qtype uint16) request.Request {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	return request.Request{W: &test.ResponseWriter{}, Req: m}
}

func TestCNAMEChainTooLong(t *testing.T) {
	b := newFakeBackend()
	// c0 needs nine CNAMEs: past the limit the chain is dropped and marked truncated.
	records, truncated, err := A(context.Background(), b, "skydns.test.", stateFor("c0.skydns.test.", dns.TypeA), nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !truncated || len(records) != 0 {
		t.Errorf("got %d records, truncated %t; want none, truncated", len(records), truncated)
	}
	// c1 needs eight, which fits.
	records, truncated, _ = A(context.Background(), b, "skydns.test.", stateFor("c1.skydns.test.", dns.TypeA), nil, Options{})
	if truncated || len(records) != 9 {
		t.Errorf("got %d records, truncated %t; want 9, not truncated", len(records), truncated)
	}
}

func TestDuplicateCNAMEInChain(t *testing.T) {
	b := newFakeBackend()
	prev := []dns.RR{test.CNAME("x.skydns.test. 30 IN CNAME a.skydns.test.")}
	records, _, err := A(context.Background(), b, "skydns.test.", stateFor("cname.skydns.test.", dns.TypeA), prev, Options{})
	if err != nil || len(records) != 0 {
		t.Errorf("got %v, %v; want no records for a CNAME already in the chain", records, err)
	}
}

func TestSOATTLCapped(t *testing.T) {
	b := newFakeBackend()
	b.minTTL = 3600
	rrs, err := SOA(context.Background(), b, "skydns.test.", stateFor("skydns.test.", dns.TypeSOA), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "skydns.test.\t300\tIN\tSOA\tns.dns.skydns.test. hostmaster.skydns.test. 1234 7200 1800 86400 3600"
	if len(rrs) != 1 || rrs[0].String() != want {
		t.Errorf("got %v, want %s", rrs, want)
	}
}

func TestNSNeedsAddress(t *testing.T) {
	b := newFakeBackend()
	b.services["ns1.ns.dns.skydns.test."] = []msg.Service{svc("ns.example.net", "/skydns/test/skydns/dns/ns/ns1")}
	if _, _, err := NS(context.Background(), b, "skydns.test.", stateFor("skydns.test.", dns.TypeNS), Options{}); err == nil {
		t.Error("expected an error for an NS service holding a name")
	}
}

func TestBackendErrorPassesError(t *testing.T) {
	b := newFakeBackend()
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	state := stateFor("x.skydns.test.", dns.TypeA)
	state.W = rec
	boom := errors.New("boom")
	rcode, err := BackendError(context.Background(), b, "skydns.test.", dns.RcodeNameError, state, boom, Options{})
	if rcode != dns.RcodeSuccess || !errors.Is(err, boom) {
		t.Errorf("got %d, %v; want success and the error", rcode, err)
	}
	tc := test.Case{Qname: "x.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(testSOA)}}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

func TestHelpersDoNotChangeRequest(t *testing.T) {
	b := newFakeBackend()
	state := stateFor("skydns.test.", dns.TypeNS)
	NS(context.Background(), b, "skydns.test.", state, Options{})     //nolint:errcheck
	A(context.Background(), b, "skydns.test.", state, nil, Options{}) //nolint:errcheck
	if q := state.Req.Question[0]; q.Name != "skydns.test." || q.Qtype != dns.TypeNS {
		t.Errorf("question changed to %v", q)
	}
}
