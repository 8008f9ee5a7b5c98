package external

import (
	"context"
	"errors"
	"testing"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

const (
	fakeSerial = 1499347823
	soaLine    = "example.com. 5 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1499347823 7200 1800 86400 5"
)

// fakeBackend is an Externaler with a few services under example.com.
type fakeBackend struct{}

func key(name string) string { return msg.Path(name, "coredns") }

// fakeServices maps a name to what the backend has there; a name present
// with no services exists but is empty.
var fakeServices = map[string][]msg.Service{
	"svc1.testns.example.com.": {{Host: "1.2.3.4", Port: 80, TTL: 30, Key: key("svc1.testns.example.com.")}},
	"_http._tcp.svc1.testns.example.com.": {
		{Host: "1.2.3.4", Port: 80, TTL: 30, Key: key("_http._tcp.svc1.testns.example.com."), TargetStrip: 2},
	},
	"svc6.testns.example.com.":  {{Host: "1:2::5", Port: 80, Key: key("svc6.testns.example.com.")}},
	"svc12.testns.example.com.": {{Host: "dummy.hostname", Port: 80, Key: key("svc12.testns.example.com.")}},
	// dual stack, with the IPv4 address listed twice (two ingress entries).
	"dual.testns.example.com.": {
		{Host: "1.2.3.6", Port: -1, Key: key("dual.testns.example.com.")},
		{Host: "1.2.3.6", Port: -1, Key: key("dual.testns.example.com.")},
		{Host: "1:2::6", Port: -1, Key: key("dual.testns.example.com.")},
	},
	"testns.example.com.": nil,
}

// headlessServices are only there when headless is asked for.
var headlessServices = map[string][]msg.Service{
	"svc-headless.testns.example.com.": {
		{Host: "1.2.3.4", Port: 80, Key: key("endpoint-svc-0.svc-headless.testns.example.com.")},
		{Host: "1.2.3.5", Port: 80, Key: key("endpoint-svc-1.svc-headless.testns.example.com.")},
	},
	"endpoint-svc-0.svc-headless.testns.example.com.": {
		{Host: "1.2.3.4", Port: 80, Key: key("endpoint-svc-0.svc-headless.testns.example.com.")},
	},
}

func (fakeBackend) External(state request.Request, headless bool) ([]msg.Service, int) {
	if s, ok := fakeServices[state.Name()]; ok {
		return s, dns.RcodeSuccess
	}
	if s, ok := headlessServices[state.Name()]; ok && headless {
		return s, dns.RcodeSuccess
	}
	return nil, dns.RcodeNameError
}

func (fakeBackend) ExternalAddress(request.Request, bool) []dns.RR {
	return []dns.RR{test.A("dns.kube-system.svc. 30 IN A 127.0.0.1"), test.AAAA("dns.kube-system.svc. 30 IN AAAA ::1")}
}

func (fakeBackend) ExternalServices(zone string, headless bool) []msg.Service {
	if zone != "example.com." {
		return nil
	}
	var all []msg.Service
	for _, name := range []string{"svc1.testns.example.com.", "_http._tcp.svc1.testns.example.com.", "svc12.testns.example.com."} {
		all = append(all, fakeServices[name]...)
	}
	if headless {
		all = append(all, headlessServices["svc-headless.testns.example.com."]...)
	}
	return all
}

func (fakeBackend) ExternalSerial(string) uint32 { return fakeSerial }

func (fakeBackend) ExternalReverse(ip string) ([]msg.Service, error) {
	switch ip {
	case "1.2.3.4":
		return []msg.Service{{Host: "svc1.testns"}}, nil
	case "1.2.3.9":
		return []msg.Service{{Host: "lb.other.example.net."}}, nil
	case "1.2.3.10":
		return nil, errors.New("boom")
	}
	return nil, nil
}

func newTestExternal() *External {
	e := New()
	e.Zones = []string{"example.com.", "in-addr.arpa."}
	e.headless = true
	e.backend = fakeBackend{}
	e.Next = test.NextHandler(dns.RcodeRefused, nil)
	return e
}

var externalCases = []test.Case{
	// apex
	{Qname: "example.com.", Qtype: dns.TypeSOA, Answer: []dns.RR{test.SOA(soaLine)}},
	{
		Qname: "example.com.", Qtype: dns.TypeNS,
		Answer: []dns.RR{test.NS("example.com. 5 IN NS ns1.dns.example.com.")},
		Extra:  []dns.RR{test.A("ns1.dns.example.com. 5 IN A 127.0.0.1"), test.AAAA("ns1.dns.example.com. 5 IN AAAA ::1")},
	},
	{Qname: "example.com.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "Example.COM.", Qtype: dns.TypeSRV, Ns: []dns.RR{test.SOA(soaLine)}},
	// below the apex label
	{Qname: "dns.example.com.", Qtype: dns.TypeNS, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "ns1.dns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("ns1.dns.example.com. 5 IN A 127.0.0.1")}},
	{Qname: "ns1.dns.example.com.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("ns1.dns.example.com. 5 IN AAAA ::1")}},
	{Qname: "ns1.dns.example.com.", Qtype: dns.TypeSRV, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "ns2.dns.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
	// services
	{Qname: "svc1.testns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("svc1.testns.example.com. 5 IN A 1.2.3.4")}},
	{Qname: "SVC1.testns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("SVC1.testns.example.com. 5 IN A 1.2.3.4")}},
	{Qname: "svc1.testns.example.com.", Qtype: dns.TypeAAAA, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "svc1.testns.example.com.", Qtype: dns.TypeTXT, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "svc1.testns.example.com.", Qtype: dns.TypePTR, Ns: []dns.RR{test.SOA(soaLine)}},
	{
		Qname: "svc1.testns.example.com.", Qtype: dns.TypeSRV,
		Answer: []dns.RR{test.SRV("svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.")},
		Extra:  []dns.RR{test.A("svc1.testns.example.com. 5 IN A 1.2.3.4")},
	},
	{
		Qname: "_http._tcp.svc1.testns.example.com.", Qtype: dns.TypeSRV,
		Answer: []dns.RR{test.SRV("_http._tcp.svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com.")},
		Extra:  []dns.RR{test.A("svc1.testns.example.com. 5 IN A 1.2.3.4")},
	},
	{Qname: "svc6.testns.example.com.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("svc6.testns.example.com. 5 IN AAAA 1:2::5")}},
	{Qname: "svc6.testns.example.com.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
	{
		Qname: "svc6.testns.example.com.", Qtype: dns.TypeSRV,
		Answer: []dns.RR{test.SRV("svc6.testns.example.com. 5 IN SRV 0 100 80 svc6.testns.example.com.")},
		Extra:  []dns.RR{test.AAAA("svc6.testns.example.com. 5 IN AAAA 1:2::5")},
	},
	{Qname: "dual.testns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("dual.testns.example.com. 5 IN A 1.2.3.6")}},
	{Qname: "dual.testns.example.com.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("dual.testns.example.com. 5 IN AAAA 1:2::6")}},
	{Qname: "dual.testns.example.com.", Qtype: dns.TypeSRV, Ns: []dns.RR{test.SOA(soaLine)}},
	// a load balancer with a host name: no server to chase it with here
	{Qname: "svc12.testns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.CNAME("svc12.testns.example.com. 5 IN CNAME dummy.hostname.")}},
	{Qname: "svc12.testns.example.com.", Qtype: dns.TypeSRV, Answer: []dns.RR{test.SRV("svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname.")}},
	// headless
	{
		Qname: "svc-headless.testns.example.com.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("svc-headless.testns.example.com. 5 IN A 1.2.3.4"), test.A("svc-headless.testns.example.com. 5 IN A 1.2.3.5")},
	},
	{
		Qname: "svc-headless.testns.example.com.", Qtype: dns.TypeSRV,
		Answer: []dns.RR{
			test.SRV("svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-0.svc-headless.testns.example.com."),
			test.SRV("svc-headless.testns.example.com. 5 IN SRV 0 50 80 endpoint-svc-1.svc-headless.testns.example.com."),
		},
		Extra: []dns.RR{
			test.A("endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4"),
			test.A("endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5"),
		},
	},
	{
		Qname: "endpoint-svc-0.svc-headless.testns.example.com.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4")},
	},
	// empty non-terminal and names that do not exist
	{Qname: "testns.example.com.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "svc0.testns.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
	{Qname: "svc0.testns.example.com.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
	// reverse
	{Qname: "4.3.2.1.in-addr.arpa.", Qtype: dns.TypePTR, Answer: []dns.RR{test.PTR("4.3.2.1.in-addr.arpa. 5 IN PTR svc1.testns.example.com.")}},
	{Qname: "9.3.2.1.in-addr.arpa.", Qtype: dns.TypePTR, Answer: []dns.RR{test.PTR("9.3.2.1.in-addr.arpa. 5 IN PTR lb.other.example.net.")}},
	{
		Qname: "5.3.2.1.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError,
		Ns: []dns.RR{test.SOA("in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1499347823 7200 1800 86400 5")},
	},
	{
		Qname: "10.3.2.1.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError,
		Ns: []dns.RR{test.SOA("in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1499347823 7200 1800 86400 5")},
	},
	{
		Qname: "3.2.1.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError,
		Ns: []dns.RR{test.SOA("in-addr.arpa. 5 IN SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1499347823 7200 1800 86400 5")},
	},
}

func TestExternal(t *testing.T) {
	e := newTestExternal()
	for _, tc := range externalCases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rcode, err := e.ServeDNS(context.Background(), rec, tc.Msg())
			if err != nil || rcode != dns.RcodeSuccess {
				t.Fatalf("got rcode %d, error %v; want success, nil", rcode, err)
			}
			if !rec.Msg.Authoritative {
				t.Error("answer is not authoritative")
			}
			if err := test.SortAndCheck(rec.Msg, tc); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestExternalPassOn checks the queries that go to the next plugin.
func TestExternalPassOn(t *testing.T) {
	withFall := newTestExternal()
	withFall.fall = fall.F{Zones: []string{"testns.example.com."}}
	noBackend := newTestExternal()
	noBackend.backend = nil

	tests := []struct {
		name  string
		e     *External
		qname string
	}{
		{"outside the zones", newTestExternal(), "example.org."},
		{"no backend", noBackend, "svc1.testns.example.com."},
		{"fallthrough on NXDOMAIN", withFall, "svc0.testns.example.com."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, dns.TypeA)
			rcode, _ := tc.e.ServeDNS(context.Background(), rec, m)
			if rcode != dns.RcodeRefused || rec.Msg != nil {
				t.Errorf("got rcode %d and a written reply %v; want the next plugin's REFUSED", rcode, rec.Msg != nil)
			}
		})
	}

	// fallthrough is only for NXDOMAIN, and only in its zones.
	for _, tc := range []test.Case{
		{Qname: "testns.example.com.", Qtype: dns.TypeA, Ns: []dns.RR{test.SOA(soaLine)}},
		{Qname: "svc0.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soaLine)}},
	} {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := withFall.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s: %v", tc.Qname, err)
		}
	}
}

// TestExternalOptions checks apex, ttl and headless change the answers.
func TestExternalOptions(t *testing.T) {
	e := newTestExternal()
	e.apex, e.ttl, e.headless = "ns-records", 60, false
	soa := "example.com. 60 IN SOA ns1.ns-records.example.com. hostmaster.ns-records.example.com. 1499347823 7200 1800 86400 60"
	for _, tc := range []test.Case{
		{
			Qname: "example.com.", Qtype: dns.TypeNS,
			Answer: []dns.RR{test.NS("example.com. 60 IN NS ns1.ns-records.example.com.")},
			Extra:  []dns.RR{test.A("ns1.ns-records.example.com. 60 IN A 127.0.0.1"), test.AAAA("ns1.ns-records.example.com. 60 IN AAAA ::1")},
		},
		{Qname: "ns1.ns-records.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("ns1.ns-records.example.com. 60 IN A 127.0.0.1")}},
		{Qname: "ns1.dns.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soa)}},
		{Qname: "svc1.testns.example.com.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("svc1.testns.example.com. 60 IN A 1.2.3.4")}},
		{Qname: "svc-headless.testns.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Ns: []dns.RR{test.SOA(soa)}},
	} {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := e.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
			t.Fatal(err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Errorf("%s/%s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}
