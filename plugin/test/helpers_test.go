package test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestCaseMsg(t *testing.T) {
	tests := []struct {
		name        string
		tc          Case
		qname       string
		opt, do, cd bool
		ad          bool
		wantBufsize uint16
	}{
		{name: "plain", tc: Case{Qname: "example.org.", Qtype: dns.TypeA}, qname: "example.org."},
		{name: "not fqdn", tc: Case{Qname: "example.org", Qtype: dns.TypeMX}, qname: "example.org."},
		{name: "do", tc: Case{Qname: "example.org.", Qtype: dns.TypeDNSKEY, Do: true}, qname: "example.org.", opt: true, do: true, wantBufsize: 4096},
		{name: "cd", tc: Case{Qname: "example.org.", Qtype: dns.TypeA, CheckingDisabled: true}, qname: "example.org.", cd: true},
		{name: "ad", tc: Case{Qname: "example.org.", Qtype: dns.TypeA, AuthenticatedData: true}, qname: "example.org.", ad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.tc.Msg()
			if len(m.Question) != 1 || m.Question[0].Name != tt.qname || m.Question[0].Qtype != tt.tc.Qtype || m.Question[0].Qclass != dns.ClassINET {
				t.Fatalf("question = %v, want %s %s IN", m.Question, tt.qname, dns.Type(tt.tc.Qtype))
			}
			if !m.RecursionDesired || m.Response {
				t.Errorf("unexpected header: %v", m.MsgHdr)
			}
			if m.CheckingDisabled != tt.cd || m.AuthenticatedData != tt.ad {
				t.Errorf("CD=%v AD=%v, want CD=%v AD=%v", m.CheckingDisabled, m.AuthenticatedData, tt.cd, tt.ad)
			}
			o := m.IsEdns0()
			if (o != nil) != tt.opt {
				t.Fatalf("OPT present = %v, want %v", o != nil, tt.opt)
			}
			if o != nil && (o.Do() != tt.do || o.UDPSize() != tt.wantBufsize) {
				t.Errorf("OPT do=%v size=%d, want do=%v size=%d", o.Do(), o.UDPSize(), tt.do, tt.wantBufsize)
			}
			if _, err := m.Pack(); err != nil {
				t.Errorf("query does not pack: %v", err)
			}
		})
	}
}

func TestBuilders(t *testing.T) {
	tests := []struct {
		rr   string
		make func(string) dns.RR
		typ  uint16
	}{
		{"a.example.org. 300 IN A 192.0.2.1", func(s string) dns.RR { return A(s) }, dns.TypeA},
		{"a.example.org. 300 IN AAAA 2001:db8::1", func(s string) dns.RR { return AAAA(s) }, dns.TypeAAAA},
		{"www.example.org. 300 IN CNAME a.example.org.", func(s string) dns.RR { return CNAME(s) }, dns.TypeCNAME},
		{"d.example.org. 300 IN DNAME example.net.", func(s string) dns.RR { return DNAME(s) }, dns.TypeDNAME},
		{"_dns._udp.example.org. 300 IN SRV 10 20 53 ns.example.org.", func(s string) dns.RR { return SRV(s) }, dns.TypeSRV},
		{"example.org. 300 IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 30", func(s string) dns.RR { return SOA(s) }, dns.TypeSOA},
		{"example.org. 300 IN NS ns.example.org.", func(s string) dns.RR { return NS(s) }, dns.TypeNS},
		{"1.2.0.192.in-addr.arpa. 300 IN PTR a.example.org.", func(s string) dns.RR { return PTR(s) }, dns.TypePTR},
		{`example.org. 300 IN TXT "v=spf1" "-all"`, func(s string) dns.RR { return TXT(s) }, dns.TypeTXT},
		{`example.org. 300 IN CAA 0 issue "letsencrypt.org"`, func(s string) dns.RR { return CAA(s) }, dns.TypeCAA},
		{`example.org. 300 IN HINFO "amd64" "linux"`, func(s string) dns.RR { return HINFO(s) }, dns.TypeHINFO},
		{"example.org. 300 IN MX 10 mail.example.org.", func(s string) dns.RR { return MX(s) }, dns.TypeMX},
		{"example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 12345 example.org. c2lnbmF0dXJl", func(s string) dns.RR { return RRSIG(s) }, dns.TypeRRSIG},
		{"example.org. 300 IN NSEC a.example.org. A NS SOA RRSIG NSEC", func(s string) dns.RR { return NSEC(s) }, dns.TypeNSEC},
		{"example.org. 300 IN DNSKEY 257 3 13 AwEAAc3k", func(s string) dns.RR { return DNSKEY(s) }, dns.TypeDNSKEY},
		{"example.org. 300 IN DS 12345 13 2 ABCDEF0123", func(s string) dns.RR { return DS(s) }, dns.TypeDS},
		{`example.org. 300 IN NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.example.org.`, func(s string) dns.RR { return NAPTR(s) }, dns.TypeNAPTR},
		{`_dns.example.org. 300 IN SVCB 1 dns.example.org. alpn=dot port=853`, func(s string) dns.RR { return SVCB(s) }, dns.TypeSVCB},
		{`example.org. 300 IN HTTPS 1 . alpn=h2,h3`, func(s string) dns.RR { return HTTPS(s) }, dns.TypeHTTPS},
	}
	for _, tt := range tests {
		rr := tt.make(tt.rr)
		if rr.Header().Rrtype != tt.typ {
			t.Errorf("%q: type %s, want %s", tt.rr, dns.Type(rr.Header().Rrtype), dns.Type(tt.typ))
		}
		if rr.Header().Ttl != 300 || rr.Header().Class != dns.ClassINET {
			t.Errorf("%q: header %v", tt.rr, rr.Header())
		}
		want, _ := dns.NewRR(tt.rr)
		if !dns.IsDuplicate(rr, want) {
			t.Errorf("%q: built %s", tt.rr, rr)
		}
	}
}

func TestBuilderPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"bad literal", func() { A("a.example.org. IN A not-an-address") }, "bad RR"},
		{"wrong type", func() { A("a.example.org. IN AAAA ::1") }, "is a AAAA"},
		{"empty", func() { MX("") }, "no RR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if msg := fmt.Sprint(r); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q does not mention %q", msg, tt.want)
				}
			}()
			tt.f()
		})
	}
}

func TestOPT(t *testing.T) {
	for _, tt := range []struct {
		size int
		do   bool
	}{{512, false}, {1232, true}, {4096, true}} {
		o := OPT(tt.size, tt.do)
		if o.Hdr.Name != "." || o.Hdr.Rrtype != dns.TypeOPT {
			t.Errorf("bad OPT header %v", o.Hdr)
		}
		if int(o.UDPSize()) != tt.size || o.Do() != tt.do || o.Version() != 0 {
			t.Errorf("OPT(%d, %v) = size %d do %v version %d", tt.size, tt.do, o.UDPSize(), o.Do(), o.Version())
		}
	}
}

func TestRRSetSort(t *testing.T) {
	rrs := []dns.RR{
		MX("example.org. 300 IN MX 10 b.example.org."),
		A("b.example.org. 300 IN A 192.0.2.2"),
		A("a.example.org. 60 IN A 192.0.2.9"),
		MX("example.org. 300 IN MX 10 a.example.org."),
		A("a.example.org. 3600 IN A 192.0.2.1"),
		AAAA("a.example.org. 300 IN AAAA 2001:db8::1"),
	}
	want := []string{
		"a.example.org.\t3600\tIN\tA\t192.0.2.1",
		"a.example.org.\t60\tIN\tA\t192.0.2.9",
		"a.example.org.\t300\tIN\tAAAA\t2001:db8::1",
		"b.example.org.\t300\tIN\tA\t192.0.2.2",
		"example.org.\t300\tIN\tMX\t10 a.example.org.",
		"example.org.\t300\tIN\tMX\t10 b.example.org.",
	}
	sort.Sort(RRSet(rrs))
	for i := range want {
		if rrs[i].String() != want[i] {
			t.Errorf("position %d: %s, want %s", i, rrs[i], want[i])
		}
	}
}
