package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// response builds a reply to tc's query with the given sections.
func response(tc Case, rcode int, answer, ns, extra []dns.RR) *dns.Msg {
	m := new(dns.Msg)
	m.SetRcode(tc.Msg(), rcode)
	m.Answer, m.Ns, m.Extra = answer, ns, extra
	return m
}

func TestHeader(t *testing.T) {
	base := Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{A("example.org. 300 IN A 192.0.2.1")},
		Ns:     []dns.RR{NS("example.org. 300 IN NS ns.example.org.")},
		Extra:  []dns.RR{A("ns.example.org. 300 IN A 192.0.2.53")},
	}
	ok := func() *dns.Msg { return response(base, dns.RcodeSuccess, base.Answer, base.Ns, base.Extra) }

	tests := []struct {
		name   string
		tc     func(Case) Case
		resp   func(*dns.Msg)
		errHas string // "" means no error
	}{
		{name: "match"},
		{name: "extra bits in response are fine", resp: func(m *dns.Msg) { m.Authoritative, m.RecursionAvailable = true, true }},
		{name: "rcode", resp: func(m *dns.Msg) { m.Rcode = dns.RcodeNameError }, errHas: "rcode is NXDOMAIN, expected NOERROR"},
		{name: "unknown rcode", resp: func(m *dns.Msg) { m.Rcode = 3841 }, errHas: "RCODE3841"},
		{name: "answer count", resp: func(m *dns.Msg) { m.Answer = nil }, errHas: "answer section has 0 RRs, expected 1"},
		{name: "authority count", resp: func(m *dns.Msg) { m.Ns = append(m.Ns, m.Ns[0]) }, errHas: "authority section has 2 RRs, expected 1"},
		{name: "additional count", resp: func(m *dns.Msg) { m.Extra = nil }, errHas: "additional section has 0 RRs, expected 1"},
		{name: "opt counts", resp: func(m *dns.Msg) { m.Extra = append(m.Extra, OPT(4096, false)) }, errHas: "additional section has 2 RRs"},
		{name: "aa wanted", tc: func(c Case) Case { c.Authoritative = true; return c }, errHas: "AA (authoritative) bit is not set"},
		{name: "aa present", tc: func(c Case) Case { c.Authoritative = true; return c }, resp: func(m *dns.Msg) { m.Authoritative = true }},
		{name: "ra wanted", tc: func(c Case) Case { c.RecursionAvailable = true; return c }, errHas: "RA (recursion available)"},
		{name: "tc wanted", tc: func(c Case) Case { c.Truncated = true; return c }, errHas: "TC (truncated)"},
		{name: "tc present", tc: func(c Case) Case { c.Truncated = true; return c }, resp: func(m *dns.Msg) { m.Truncated = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := base
			if tt.tc != nil {
				tc = tt.tc(tc)
			}
			m := ok()
			if tt.resp != nil {
				tt.resp(m)
			}
			checkErr(t, Header(tc, m), tt.errHas)
		})
	}

	if err := Header(base, nil); err == nil {
		t.Error("nil response passed")
	}
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestSectionMismatches(t *testing.T) {
	tests := []struct {
		name      string
		got, want dns.RR
		errHas    string
	}{
		{"same A", A("a.example.org. 300 IN A 192.0.2.1"), A("a.example.org. 300 IN A 192.0.2.1"), ""},
		{"owner", A("b.example.org. 300 IN A 192.0.2.1"), A("a.example.org. 300 IN A 192.0.2.1"), `owner name is "b.example.org.", expected "a.example.org."`},
		{"owner case", A("A.example.org. 300 IN A 192.0.2.1"), A("a.example.org. 300 IN A 192.0.2.1"), "owner name"},
		{"ttl", A("a.example.org. 30 IN A 192.0.2.1"), A("a.example.org. 300 IN A 192.0.2.1"), "TTL is 30, expected 300"},
		{"ttl wildcard", A("a.example.org. 30 IN A 192.0.2.1"), A("a.example.org. 303 IN A 192.0.2.1"), ""},
		{"type", AAAA("a.example.org. 300 IN AAAA ::1"), A("a.example.org. 300 IN A 192.0.2.1"), "type is AAAA, expected A"},
		{"class", A("a.example.org. 300 CH A 192.0.2.1"), A("a.example.org. 300 IN A 192.0.2.1"), "class is CH, expected IN"},
		{"A address", A("a.example.org. 300 IN A 192.0.2.2"), A("a.example.org. 300 IN A 192.0.2.1"), "address is \"192.0.2.2\", expected \"192.0.2.1\""},
		{"AAAA address", AAAA("a.example.org. 300 IN AAAA 2001:db8::2"), AAAA("a.example.org. 300 IN AAAA 2001:db8::1"), "address"},
		{"CNAME", CNAME("w.example.org. 300 IN CNAME b.example.org."), CNAME("w.example.org. 300 IN CNAME a.example.org."), `target is "b.example.org."`},
		{"DNAME", DNAME("d.example.org. 300 IN DNAME b.example."), DNAME("d.example.org. 300 IN DNAME a.example."), "target"},
		{"NS", NS("example.org. 300 IN NS b.example.org."), NS("example.org. 300 IN NS a.example.org."), "name server"},
		{"PTR", PTR("1.2.0.192.in-addr.arpa. 300 IN PTR b."), PTR("1.2.0.192.in-addr.arpa. 300 IN PTR a."), "pointer"},
		{"MX pref", MX("example.org. 300 IN MX 20 mx."), MX("example.org. 300 IN MX 10 mx."), "preference is 20, expected 10"},
		{"MX host", MX("example.org. 300 IN MX 10 b."), MX("example.org. 300 IN MX 10 a."), "exchange"},
		{"SRV priority", SRV("_s._tcp.example.org. 300 IN SRV 1 2 3 t."), SRV("_s._tcp.example.org. 300 IN SRV 9 2 3 t."), "priority is 1, expected 9"},
		{"SRV weight", SRV("_s._tcp.example.org. 300 IN SRV 1 2 3 t."), SRV("_s._tcp.example.org. 300 IN SRV 1 9 3 t."), "weight"},
		{"SRV port", SRV("_s._tcp.example.org. 300 IN SRV 1 2 3 t."), SRV("_s._tcp.example.org. 300 IN SRV 1 2 9 t."), "port"},
		{"SRV target", SRV("_s._tcp.example.org. 300 IN SRV 1 2 3 t."), SRV("_s._tcp.example.org. 300 IN SRV 1 2 3 u."), "target"},
		{"TXT", TXT(`example.org. 300 IN TXT "a" "b"`), TXT(`example.org. 300 IN TXT "a" "c"`), `text is ["a" "b"], expected ["a" "c"]`},
		{"TXT count", TXT(`example.org. 300 IN TXT "a"`), TXT(`example.org. 300 IN TXT "a" "b"`), "text"},
		{"HINFO", HINFO(`example.org. 300 IN HINFO "x" "y"`), HINFO(`example.org. 300 IN HINFO "x" "z"`), "OS"},
		{"SOA serial ignored", SOA("example.org. 300 IN SOA ns. mbox. 2 1 1 1 1"), SOA("example.org. 300 IN SOA ns. mbox. 1 1 1 1 1"), ""},
		{"SOA ns", SOA("example.org. 300 IN SOA ns2. mbox. 1 1 1 1 1"), SOA("example.org. 300 IN SOA ns. mbox. 1 1 1 1 1"), "primary name server"},
		{"SOA mbox", SOA("example.org. 300 IN SOA ns. other. 1 1 1 1 1"), SOA("example.org. 300 IN SOA ns. mbox. 1 1 1 1 1"), "mailbox"},
		{
			"RRSIG times ignored",
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example.org. c2ln"),
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20310101000000 20210101000000 2 example.org. b3RoZXI="),
			"",
		},
		{
			"RRSIG covered",
			RRSIG("example.org. 300 IN RRSIG AAAA 13 2 300 20300101000000 20200101000000 1 example.org. c2ln"),
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example.org. c2ln"),
			`type covered is "AAAA", expected "A"`,
		},
		{
			"RRSIG signer",
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 org. c2ln"),
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 example.org. c2ln"),
			"signer name",
		},
		{"NSEC next", NSEC("a.example.org. 300 IN NSEC c.example.org. A RRSIG NSEC"), NSEC("a.example.org. 300 IN NSEC b.example.org. A RRSIG NSEC"), "next domain"},
		{"NSEC bitmap", NSEC("a.example.org. 300 IN NSEC b.example.org. A RRSIG NSEC"), NSEC("a.example.org. 300 IN NSEC b.example.org. AAAA RRSIG NSEC"), "type bitmap is [A RRSIG NSEC], expected [AAAA RRSIG NSEC]"},
		{"NSEC bitmap order", NSEC("a.example.org. 300 IN NSEC b.example.org. NSEC RRSIG A"), NSEC("a.example.org. 300 IN NSEC b.example.org. A RRSIG NSEC"), ""},
		{"DNSKEY", DNSKEY("example.org. 300 IN DNSKEY 256 3 13 AwEAAc3k"), DNSKEY("example.org. 300 IN DNSKEY 257 3 13 AwEAAc3k"), "flags is 256, expected 257"},
		{"DNSKEY key", DNSKEY("example.org. 300 IN DNSKEY 257 3 13 AwEAAc3k"), DNSKEY("example.org. 300 IN DNSKEY 257 3 13 AwEAAc3j"), "public key"},
		{"DS digest case", DS("example.org. 300 IN DS 1 13 2 abcdef"), DS("example.org. 300 IN DS 1 13 2 ABCDEF"), ""},
		{"DS key tag", DS("example.org. 300 IN DS 2 13 2 abcdef"), DS("example.org. 300 IN DS 1 13 2 abcdef"), "key tag"},
		{"CAA", CAA(`example.org. 300 IN CAA 0 issue "a.example"`), CAA(`example.org. 300 IN CAA 0 issue "b.example"`), "value"},
		{"NAPTR", NAPTR(`example.org. 300 IN NAPTR 100 10 "S" "SIP+D2U" "" a.`), NAPTR(`example.org. 300 IN NAPTR 100 10 "S" "SIP+D2T" "" a.`), "service"},
		{"SVCB", SVCB("_dns.example.org. 300 IN SVCB 1 dns.example.org. alpn=dot"), SVCB("_dns.example.org. 300 IN SVCB 1 dns.example.org. alpn=doq"), "RDATA"},
		{"HTTPS same", HTTPS("example.org. 300 IN HTTPS 1 . alpn=h2"), HTTPS("example.org. 300 IN HTTPS 1 . alpn=h2"), ""},
		{"OPT size", OPT(1232, true), OPT(4096, true), "UDP buffer size is 1232, expected 4096"},
		{"OPT do", OPT(4096, false), OPT(4096, true), "DO bit is false, expected true"},
		{"OPT same", OPT(4096, true), OPT(4096, true), ""},
		{"unchecked type", mustRR("example.org. 300 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"), mustRR("example.org. 300 IN LOC 0 0 0 N 0 0 0 E 0m"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := Case{Answer: []dns.RR{tt.want}}
			checkErr(t, Section(tc, Answer, []dns.RR{tt.got}), tt.errHas)
		})
	}
}

func mustRR(s string) dns.RR {
	rr, err := dns.NewRR(s)
	if err != nil {
		panic(err)
	}
	return rr
}

func TestSectionReportsIndexAndSection(t *testing.T) {
	tc := Case{Ns: []dns.RR{
		NS("example.org. 300 IN NS a.example.org."),
		NS("example.org. 300 IN NS b.example.org."),
	}}
	got := []dns.RR{
		NS("example.org. 300 IN NS a.example.org."),
		NS("example.org. 300 IN NS c.example.org."),
	}
	err := Section(tc, Ns, got)
	checkErr(t, err, "authority RR 1: name server is \"c.example.org.\", expected \"b.example.org.\"")
	checkErr(t, err, "got:      example.org.\t300\tIN\tNS\tc.example.org.")
	checkErr(t, err, "expected: example.org.\t300\tIN\tNS\tb.example.org.")

	checkErr(t, Section(tc, Ns, got[:1]), "authority section has 1 RRs, expected 2")
	checkErr(t, Section(tc, Extra, nil), "")
	checkErr(t, Section(tc, sect(7), nil), "unknown section 7")
}

func TestCNAMEOrder(t *testing.T) {
	tests := []struct {
		name   string
		answer []dns.RR
		errHas string
	}{
		{"no cname", []dns.RR{A("a.example.org. 300 IN A 192.0.2.1")}, ""},
		{"chain", []dns.RR{
			CNAME("www.example.org. 300 IN CNAME b.example.org."),
			CNAME("b.example.org. 300 IN CNAME a.example.org."),
			A("a.example.org. 300 IN A 192.0.2.1"),
		}, ""},
		{"target first", []dns.RR{
			A("a.example.org. 300 IN A 192.0.2.1"),
			CNAME("www.example.org. 300 IN CNAME a.example.org."),
		}, "CNAME 1"},
		{"chain reversed", []dns.RR{
			CNAME("b.example.org. 300 IN CNAME a.example.org."),
			CNAME("www.example.org. 300 IN CNAME b.example.org."),
			A("a.example.org. 300 IN A 192.0.2.1"),
		}, "CNAME 1"},
		{"target case differs", []dns.RR{
			A("A.example.org. 300 IN A 192.0.2.1"),
			CNAME("www.example.org. 300 IN CNAME a.example.org."),
		}, "CNAME 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := new(dns.Msg)
			m.Answer = tt.answer
			checkErr(t, CNAMEOrder(m), tt.errHas)
		})
	}
}

func TestSortAndCheck(t *testing.T) {
	tc := Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{
			A("example.org. 300 IN A 192.0.2.2"),
			A("example.org. 303 IN A 192.0.2.1"),
		},
		Ns: []dns.RR{
			NS("example.org. 300 IN NS b.example.org."),
			NS("example.org. 300 IN NS a.example.org."),
		},
		Extra: []dns.RR{
			A("b.example.org. 300 IN A 192.0.2.54"),
			A("a.example.org. 300 IN A 192.0.2.53"),
			OPT(4096, true),
		},
	}
	answerOrder := slices.Clone(tc.Answer)

	resp := response(tc, dns.RcodeSuccess,
		[]dns.RR{A("example.org. 300 IN A 192.0.2.1"), A("example.org. 300 IN A 192.0.2.2")},
		[]dns.RR{NS("example.org. 300 IN NS a.example.org."), NS("example.org. 300 IN NS b.example.org.")},
		[]dns.RR{OPT(4096, true), A("a.example.org. 300 IN A 192.0.2.53"), A("b.example.org. 300 IN A 192.0.2.54")},
	)
	if err := SortAndCheck(resp, tc); err != nil {
		t.Fatalf("matching response failed: %v", err)
	}
	if !slices.Equal(tc.Answer, answerOrder) {
		t.Error("SortAndCheck reordered the case's RRs")
	}
	if !sortedRRs(resp.Answer) || !sortedRRs(resp.Ns) || !sortedRRs(resp.Extra) {
		t.Error("response sections were not sorted")
	}

	resp.Ns[1] = NS("example.org. 300 IN NS c.example.org.")
	checkErr(t, SortAndCheck(resp, tc), "authority RR")

	resp.Rcode = dns.RcodeServerFailure
	checkErr(t, SortAndCheck(resp, tc), "rcode is SERVFAIL")
}

// TestSortAndCheckUncomparedOrder covers a case whose RRs only line up with
// the response in the order the case lists them: sorting the case on a field
// that is not compared (RRSIG expiration) puts them the other way round.
func TestSortAndCheckUncomparedOrder(t *testing.T) {
	tc := Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 1 a.example. c2ln"),
			RRSIG("example.org. 300 IN RRSIG A 13 2 300 20290101000000 20200101000000 1 b.example. c2ln"),
		},
	}
	resp := response(tc, dns.RcodeSuccess, []dns.RR{
		RRSIG("example.org. 300 IN RRSIG A 13 2 300 20310101000000 20200101000000 1 b.example. c2ln"),
		RRSIG("example.org. 300 IN RRSIG A 13 2 300 20280101000000 20200101000000 1 a.example. c2ln"),
	}, nil, nil)
	if err := Section(Case{Answer: sorted(tc.Answer)}, Answer, sorted(resp.Answer)); err == nil {
		t.Fatal("test is not exercising the fallback: sorted sides already line up")
	}
	if err := SortAndCheck(resp, tc); err != nil {
		t.Fatal(err)
	}
}

func sortedRRs(rrs []dns.RR) bool {
	for i := 1; i < len(rrs); i++ {
		if RRSet(rrs).Less(i, i-1) {
			return false
		}
	}
	return true
}
