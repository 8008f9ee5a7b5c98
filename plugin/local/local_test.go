package local

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// next marks queries the plugin passed on with an authoritative TXT answer.
var next = test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{test.TXT(r.Question[0].Name + " 0 IN TXT next")}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
})

func soaRR(owner string) dns.RR {
	return test.SOA(owner + " 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800")
}

func nextAnswer(name string) []dns.RR { return []dns.RR{test.TXT(name + " 0 IN TXT next")} }

func TestServeDNS(t *testing.T) {
	tests := []struct {
		tc     test.Case
		prefix bool   // a localhost.<domain> query, answered and counted
		passed bool   // answered by the next plugin
		modes  []bool // the localhost_prefix settings to run with; nil: both
	}{
		{tc: test.Case{Qname: "localhost.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("localhost. 604800 IN A 127.0.0.1")}}},
		{tc: test.Case{Qname: "localhost.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("localhost. 604800 IN AAAA ::1")}}},
		{tc: test.Case{Qname: "localhost.", Qtype: dns.TypeNS, Answer: []dns.RR{test.NS("localhost. 604800 IN NS localhost.")}}},
		{tc: test.Case{Qname: "localhost.", Qtype: dns.TypeSOA, Answer: []dns.RR{soaRR("localhost.")}}},
		{tc: test.Case{Qname: "localhost.", Qtype: dns.TypeMX, Ns: []dns.RR{soaRR("localhost.")}}},
		{tc: test.Case{Qname: "LocalHost.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("LocalHost. 604800 IN A 127.0.0.1")}}},
		{tc: test.Case{Qname: "api.localhost.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("api.localhost. 604800 IN A 127.0.0.1")}}},
		{tc: test.Case{Qname: "deep.api.localhost.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("deep.api.localhost. 604800 IN AAAA ::1")}}},
		{tc: test.Case{Qname: "api.LOCALHOST.", Qtype: dns.TypeTXT, Ns: []dns.RR{soaRR("LOCALHOST.")}}},
		{tc: test.Case{Qname: "localhost.lab.test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("localhost.lab.test. 604800 IN A 127.0.0.1")}}, prefix: true, modes: []bool{true}},
		{tc: test.Case{Qname: "localhost.lab.test.", Qtype: dns.TypeAAAA, Answer: []dns.RR{test.AAAA("localhost.lab.test. 604800 IN AAAA ::1")}}, prefix: true, modes: []bool{true}},
		{tc: test.Case{Qname: "localhost.lab.test.", Qtype: dns.TypeTXT, Ns: []dns.RR{soaRR("localhost.lab.test.")}}, prefix: true, modes: []bool{true}},
		{tc: test.Case{Qname: "LocalHost.Lab.Test.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("LocalHost.Lab.Test. 604800 IN A 127.0.0.1")}}, prefix: true, modes: []bool{true}},
		{tc: test.Case{Qname: "localhost.lab.test.", Qtype: dns.TypeA, Answer: nextAnswer("localhost.lab.test."), Authoritative: true}, passed: true, modes: []bool{false}},
		{tc: test.Case{Qname: "1.0.0.127.in-addr.arpa.", Qtype: dns.TypePTR, Answer: []dns.RR{test.PTR("1.0.0.127.in-addr.arpa. 604800 IN PTR localhost.")}}},
		{tc: test.Case{Qname: "1.0.0.127.in-addr.arpa.", Qtype: dns.TypeA, Ns: []dns.RR{soaRR("127.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "5.0.0.127.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Ns: []dns.RR{soaRR("127.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "5.0.0.127.IN-ADDR.ARPA.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Ns: []dns.RR{soaRR("127.IN-ADDR.ARPA.")}}},
		{tc: test.Case{Qname: "127.in-addr.arpa.", Qtype: dns.TypeSOA, Answer: []dns.RR{soaRR("127.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "127.in-addr.arpa.", Qtype: dns.TypeA, Ns: []dns.RR{soaRR("127.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "0.in-addr.arpa.", Qtype: dns.TypeNS, Answer: []dns.RR{test.NS("0.in-addr.arpa. 604800 IN NS localhost.")}}},
		{tc: test.Case{Qname: "0.in-addr.arpa.", Qtype: dns.TypeAAAA, Ns: []dns.RR{soaRR("0.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "1.0.0.0.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Ns: []dns.RR{soaRR("0.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "255.in-addr.arpa.", Qtype: dns.TypeSOA, Answer: []dns.RR{soaRR("255.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "255.255.255.255.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Ns: []dns.RR{soaRR("255.in-addr.arpa.")}}},
		{tc: test.Case{Qname: "lab.test.", Qtype: dns.TypeA, Answer: nextAnswer("lab.test."), Authoritative: true}, passed: true},
		{tc: test.Case{Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Answer: nextAnswer("1.0.0.10.in-addr.arpa."), Authoritative: true}, passed: true},
		{tc: test.Case{Qname: "notlocalhost.", Qtype: dns.TypeA, Answer: nextAnswer("notlocalhost."), Authoritative: true}, passed: true},
		{tc: test.Case{Qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.", Qtype: dns.TypePTR,
			Answer: nextAnswer("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa."), Authoritative: true}, passed: true},
	}
	for _, tt := range tests {
		modes := tt.modes
		if modes == nil {
			modes = []bool{true, false}
		}
		for _, prefix := range modes {
			l := &Local{Next: next, Prefix: prefix}
			before := counterValue(t)
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rc, err := l.ServeDNS(context.Background(), rec, tt.tc.Msg())
			if rc != dns.RcodeSuccess || err != nil {
				t.Fatalf("%s %s: ServeDNS = %d, %v", tt.tc.Qname, dns.TypeToString[tt.tc.Qtype], rc, err)
			}
			if err := test.SortAndCheck(rec.Msg, tt.tc); err != nil {
				t.Errorf("prefix %t: %v", prefix, err)
			}
			if !tt.passed && rec.Msg.Authoritative {
				t.Errorf("%s: answer is authoritative", tt.tc.Qname)
			}
			counted := counterValue(t) - before
			if want := map[bool]float64{true: 1, false: 0}[tt.prefix]; counted != want {
				t.Errorf("%s: localhost counter went up by %v, want %v", tt.tc.Qname, counted, want)
			}
		}
	}
}

func counterValue(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := localhostCount.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
