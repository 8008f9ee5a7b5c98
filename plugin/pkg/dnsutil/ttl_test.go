package dnsutil

import (
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/miekg/dns"
)

func TestMinimalTTL(t *testing.T) {
	soa := rr("example.org. 1800 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300")
	lowSOA := rr("example.org. 60 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300")
	opt := &dns.OPT{Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Ttl: 0}}

	tests := []struct {
		name       string
		answer, ns []dns.RR
		extra      []dns.RR
		mt         response.Type
		max        time.Duration
		want       time.Duration
	}{
		{"answer", []dns.RR{rr("a.example.org. 300 IN A 127.0.0.1"), rr("a.example.org. 120 IN A 127.0.0.2")}, nil, nil, response.NoError, MaximumDefaultTTL, 120 * time.Second},
		{"ns lower", []dns.RR{rr("a.example.org. 300 IN A 127.0.0.1")}, []dns.RR{rr("example.org. 30 IN NS ns.example.org.")}, nil, response.NoError, MaximumDefaultTTL, 30 * time.Second},
		{"extra lower, opt ignored", []dns.RR{rr("a.example.org. 300 IN A 127.0.0.1")}, nil, []dns.RR{opt, rr("ns.example.org. 20 IN A 127.0.0.3")}, response.NoError, MaximumDefaultTTL, 20 * time.Second},
		{"capped", []dns.RR{rr("a.example.org. 86400 IN A 127.0.0.1")}, nil, nil, response.NoError, MaximumDefaultTTL, MaximumDefaultTTL},
		{"capped custom", []dns.RR{rr("a.example.org. 86400 IN A 127.0.0.1")}, nil, nil, response.NoError, 10 * time.Minute, 10 * time.Minute},
		{"nxdomain soa minimum", nil, []dns.RR{soa}, nil, response.NameError, MaximumDefaultTTL, 300 * time.Second},
		{"nodata soa ttl", nil, []dns.RR{lowSOA}, nil, response.NoData, MaximumDefaultTTL, 60 * time.Second},
		{"noerror soa is plain", []dns.RR{soa}, nil, nil, response.NoError, MaximumDefaultTTL, 1800 * time.Second},
		{"empty", nil, nil, []dns.RR{opt}, response.NoError, MaximumDefaultTTL, MinimalDefaultTTL},
		{"servfail", []dns.RR{rr("a.example.org. 300 IN A 127.0.0.1")}, nil, nil, response.ServerError, MaximumDefaultTTL, MinimalDefaultTTL},
		{"delegation", nil, []dns.RR{rr("sub.example.org. 300 IN NS ns.sub.example.org.")}, nil, response.Delegation, MaximumDefaultTTL, MinimalDefaultTTL},
		{"zero ttl", []dns.RR{rr("a.example.org. 0 IN A 127.0.0.1")}, nil, nil, response.NoError, MaximumDefaultTTL, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := new(dns.Msg)
			m.SetQuestion("a.example.org.", dns.TypeA)
			m.Answer, m.Ns, m.Extra = tc.answer, tc.ns, tc.extra
			if got := MinimalTTLWithMaximum(m, tc.mt, tc.max); got != tc.want {
				t.Errorf("MinimalTTLWithMaximum() = %s, want %s", got, tc.want)
			}
			if tc.max == MaximumDefaultTTL {
				if got := MinimalTTL(m, tc.mt); got != tc.want {
					t.Errorf("MinimalTTL() = %s, want %s", got, tc.want)
				}
			}
		})
	}
}

func BenchmarkMinimalTTL(b *testing.B) {
	m := new(dns.Msg)
	m.SetQuestion("a.example.org.", dns.TypeA)
	m.Answer = []dns.RR{rr("a.example.org. 300 IN A 127.0.0.1"), rr("a.example.org. 120 IN A 127.0.0.2")}
	m.Ns = []dns.RR{rr("example.org. 30 IN NS ns.example.org.")}
	for b.Loop() {
		MinimalTTL(m, response.NoError)
	}
}
