package autopath

import (
	"context"
	"errors"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

const soaLine = "example.org. 1800 IN SOA ns.example.org. hostmaster.example.org. 1 14400 3600 604800 14400"

// fakeNext answers per the rcodes in names (SERVFAIL without writing for
// names it does not know) and records the names it was asked.
type fakeNext struct {
	names map[string]int
	asked []string
}

func (f *fakeNext) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	qname := r.Question[0].Name
	f.asked = append(f.asked, qname)
	rcode, ok := f.names[qname]
	if !ok {
		return dns.RcodeServerFailure, nil
	}
	if rcode == -1 {
		return dns.RcodeServerFailure, errors.New("backend down")
	}
	m := new(dns.Msg)
	m.SetRcode(r, rcode)
	switch {
	case rcode == dns.RcodeSuccess && r.Question[0].Qtype == dns.TypeA:
		m.Answer = []dns.RR{test.A(qname + " 120 IN A 192.0.2.53")}
	case rcode == dns.RcodeSuccess && r.Question[0].Qtype == dns.TypeMX:
		// NODATA
		m.Ns = []dns.RR{test.SOA(soaLine)}
	case rcode == dns.RcodeNameError:
		m.Ns = []dns.RR{test.SOA(soaLine)}
	}
	w.WriteMsg(m)
	return rcode, nil
}

func (f *fakeNext) Name() string { return "fake" }

func newFakeNext() *fakeNext {
	return &fakeNext{names: map[string]int{
		"b.example.org.":       dns.RcodeNameError,
		"b.example.com.":       dns.RcodeNameError,
		"b.com.":               dns.RcodeSuccess,
		"b.":                   dns.RcodeNameError,
		"a.example.org.":       dns.RcodeSuccess,
		"A.Example.Org.":       dns.RcodeSuccess,
		"x.example.org.":       dns.RcodeNameError,
		"x.example.com.":       dns.RcodeNameError,
		"x.com.":               dns.RcodeNameError,
		"x.":                   dns.RcodeNameError,
		"bare.example.org.":    dns.RcodeNameError,
		"bare.example.com.":    dns.RcodeNameError,
		"bare.com.":            dns.RcodeNameError,
		"bare.":                dns.RcodeSuccess,
		"refused.example.org.": dns.RcodeNameError,
		"refused.example.com.": dns.RcodeRefused,
		"broken.example.org.":  dns.RcodeNameError,
		"broken.example.com.":  -1,
		"other.example.net.":   dns.RcodeSuccess,
	}}
}

func newTestAutoPath(next plugin.Handler) *AutoPath {
	return &AutoPath{
		Next:   next,
		Zones:  []string{"."},
		search: []string{"example.org.", "example.com.", "com.", ""},
	}
}

func TestAutoPath(t *testing.T) {
	tests := []struct {
		tc    test.Case
		asked []string
	}{
		{
			// found at the third element: CNAME in front, with the answer's TTL
			test.Case{Qname: "b.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
				test.CNAME("b.example.org. 120 IN CNAME b.com."),
				test.A("b.com. 120 IN A 192.0.2.53"),
			}},
			[]string{"b.example.org.", "b.example.com.", "b.com."},
		},
		{
			// found as asked: no CNAME
			test.Case{Qname: "a.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("a.example.org. 120 IN A 192.0.2.53")}},
			[]string{"a.example.org."},
		},
		{
			// the case of the question is kept
			test.Case{Qname: "A.Example.Org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("A.Example.Org. 120 IN A 192.0.2.53")}},
			[]string{"A.Example.Org."},
		},
		{
			// found as the bare name
			test.Case{Qname: "bare.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{
				test.CNAME("bare.example.org. 120 IN CNAME bare."),
				test.A("bare. 120 IN A 192.0.2.53"),
			}},
			[]string{"bare.example.org.", "bare.example.com.", "bare.com.", "bare."},
		},
		{
			// nothing anywhere: the first reply
			test.Case{Qname: "x.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
			[]string{"x.example.org.", "x.example.com.", "x.com.", "x."},
		},
		{
			// a failure (REFUSED, SERVFAIL) is no answer: the search goes on
			test.Case{Qname: "refused.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
			[]string{"refused.example.org.", "refused.example.com.", "refused.com.", "refused."},
		},
		{
			// not under the first search element: passed on as is
			test.Case{Qname: "other.example.net.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("other.example.net. 120 IN A 192.0.2.53")}},
			[]string{"other.example.net."},
		},
		{
			// the first search element itself has nothing to complete
			test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
			[]string{"example.org."},
		},
		{
			// NODATA is an answer: CNAME-less, since the answer is empty
			test.Case{Qname: "b.example.org.", Qtype: dns.TypeMX, Ns: []dns.RR{test.SOA(soaLine)}},
			[]string{"b.example.org.", "b.example.com.", "b.com."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.tc.Qname+"/"+dns.TypeToString[tt.tc.Qtype], func(t *testing.T) {
			next := newFakeNext()
			ap := newTestAutoPath(next)
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			req := tt.tc.Msg()
			rcode, err := ap.ServeDNS(context.Background(), rec, req)
			if err != nil {
				t.Fatal(err)
			}
			if req.Question[0].Name != tt.tc.Qname {
				t.Errorf("request question left as %q", req.Question[0].Name)
			}
			checkAsked(t, next.asked, tt.asked)
			if !plugin.ClientWrite(rcode) {
				if rec.Msg != nil || rcode != tt.tc.Rcode {
					t.Errorf("got rcode %d, written %v; want %d unwritten", rcode, rec.Msg != nil, tt.tc.Rcode)
				}
				return
			}
			if rec.Msg.Question[0].Name != tt.tc.Qname {
				t.Errorf("reply question is %q, want %q", rec.Msg.Question[0].Name, tt.tc.Qname)
			}
			// Not sorted: the CNAME must come first.
			if err := test.Header(tt.tc, rec.Msg); err != nil {
				t.Error(err)
			}
			if err := test.Section(tt.tc, test.Answer, rec.Msg.Answer); err != nil {
				t.Error(err)
			}
			if err := test.Section(tt.tc, test.Ns, rec.Msg.Ns); err != nil {
				t.Error(err)
			}
		})
	}
}

func checkAsked(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("next plugin asked %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("next plugin asked %v, want %v", got, want)
		}
	}
}

// TestAutoPathNoReply checks that when the first name fails without a reply
// and nothing else is found, the failure is passed up unwritten.
func TestAutoPathNoReply(t *testing.T) {
	ap := newTestAutoPath(newFakeNext())
	m := new(dns.Msg)
	m.SetQuestion("unknown.example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rcode, err := ap.ServeDNS(context.Background(), rec, m)
	if err != nil || rcode != dns.RcodeServerFailure || rec.Msg != nil {
		t.Errorf("got rcode %d, error %v, written %v; want SERVFAIL unwritten", rcode, err, rec.Msg != nil)
	}
}

// TestAutoPathError checks that an error from the chain ends the search.
func TestAutoPathError(t *testing.T) {
	next := newFakeNext()
	ap := newTestAutoPath(next)
	m := new(dns.Msg)
	m.SetQuestion("broken.example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rcode, err := ap.ServeDNS(context.Background(), rec, m)
	if err == nil || rcode != dns.RcodeServerFailure || rec.Msg != nil {
		t.Errorf("got rcode %d, error %v, written %v; want SERVFAIL with the error", rcode, err, rec.Msg != nil)
	}
	if m.Question[0].Name != "broken.example.org." {
		t.Errorf("request question left as %q", m.Question[0].Name)
	}
	checkAsked(t, next.asked, []string{"broken.example.org.", "broken.example.com."})
}

// TestAutoPathZones checks that only queries in the plugin's zones are
// completed.
func TestAutoPathZones(t *testing.T) {
	next := newFakeNext()
	ap := newTestAutoPath(next)
	ap.Zones = []string{"example.com."}
	m := new(dns.Msg)
	m.SetQuestion("b.example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := ap.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	checkAsked(t, next.asked, []string{"b.example.org."})
	if rec.Msg.Rcode != dns.RcodeNameError {
		t.Errorf("got rcode %d, want NXDOMAIN", rec.Msg.Rcode)
	}
}

// fakePather gives a search path per client address, as kubernetes does per
// pod.
type fakePather map[string][]string

func (f fakePather) AutoPath(state request.Request) []string { return f[state.IP()] }

func TestAutoPathSearchFunc(t *testing.T) {
	pather := fakePather{
		// test.ResponseWriter's client is 10.240.0.1
		"10.240.0.1": {"ns1.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""},
	}
	next := &fakeNext{names: map[string]int{
		"web.ns1.svc.cluster.local.": dns.RcodeNameError,
		"web.svc.cluster.local.":     dns.RcodeNameError,
		"web.cluster.local.":         dns.RcodeSuccess,
		"web.ns2.svc.cluster.local.": dns.RcodeNameError,
	}}
	ap := &AutoPath{Next: next, Zones: []string{"."}, searchFunc: pather.AutoPath}

	before := successCount(t)
	m := new(dns.Msg)
	m.SetQuestion("web.ns1.svc.cluster.local.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := ap.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	tc := test.Case{Qname: "web.ns1.svc.cluster.local.", Qtype: dns.TypeA, Answer: []dns.RR{
		test.CNAME("web.ns1.svc.cluster.local. 120 IN CNAME web.cluster.local."),
		test.A("web.cluster.local. 120 IN A 192.0.2.53"),
	}}
	if err := test.Section(tc, test.Answer, rec.Msg.Answer); err != nil {
		t.Error(err)
	}
	if after := successCount(t); after != before+1 {
		t.Errorf("autopath success count went from %v to %v, want one more", before, after)
	}

	// Another namespace's name is not the first element for this client.
	next.asked = nil
	m.SetQuestion("web.ns2.svc.cluster.local.", dns.TypeA)
	rec = dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := ap.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	checkAsked(t, next.asked, []string{"web.ns2.svc.cluster.local."})

	// An unknown client has no search path: passed on.
	ap.searchFunc = fakePather{}.AutoPath
	next.asked = nil
	m.SetQuestion("web.ns1.svc.cluster.local.", dns.TypeA)
	if _, err := ap.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m); err != nil {
		t.Fatal(err)
	}
	checkAsked(t, next.asked, []string{"web.ns1.svc.cluster.local."})
}

func TestFirstInSearchPath(t *testing.T) {
	search := []string{"default.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""}
	tests := []struct {
		name string
		base string
		ok   bool
	}{
		{"google.com.", "", false},
		{"default.svc.cluster.local.", "", false},
		{"a.default.svc.cluster.local.", "a", true},
		{"a.b.default.svc.cluster.local.", "a.b", true},
		{"a.b.svc.cluster.local.", "", false},
		{"adefault.svc.cluster.local.", "", false},
	}
	for _, tc := range tests {
		base, ok := firstInSearchPath(tc.name, search)
		if base != tc.base || ok != tc.ok {
			t.Errorf("%q: got %q %v, want %q %v", tc.name, base, ok, tc.base, tc.ok)
		}
	}
	if base, ok := firstInSearchPath("a.example.org.", []string{"example.org"}); !ok || base != "a" {
		t.Errorf("search element without final dot: got %q %v", base, ok)
	}
	for _, s := range [][]string{nil, {""}} {
		if _, ok := firstInSearchPath("a.example.org.", s); ok {
			t.Errorf("search path %q matched", s)
		}
	}
}

// successCount reads the autopath success counter of the server label "".
func successCount(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := autoPathCount.WithLabelValues("").Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
