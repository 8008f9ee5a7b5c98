package template

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// nextMarker answers every query it gets with one TXT record "next", so a
// test sees when the template handed the query on.
var nextMarker = test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{test.TXT(r.Question[0].Name + " 0 IN TXT next")}
	w.WriteMsg(m) //nolint:errcheck // test
	return dns.RcodeSuccess, nil
})

// newHandler parses the template lines of input as a server block for keys.
func newHandler(t testing.TB, input string, keys ...string) Handler {
	t.Helper()
	c := caddy.NewTestController("dns", input)
	c.ServerBlockKeys = keys
	h, err := templateParse(c)
	if err != nil {
		t.Fatalf("parse %q: %v", input, err)
	}
	h.Next = nextMarker
	return h
}

// labTemplates is the Corefile of the golden template scenario.
const labTemplates = `
template IN A lab.test {
    match ^ip-(?P<c>[0-9]{1,3})-(?P<d>[0-9]{1,3})\.lab\.test\.$
    answer "{{ .Name }} 60 IN A 10.99.{{ .Group.c }}.{{ .Group.d }}"
    fallthrough
}
template IN PTR 99.10.in-addr.arpa {
    match ^(?P<d>[0-9]+)\.(?P<c>[0-9]+)\.99\.10\.in-addr\.arpa\.$
    answer "{{ .Name }} 60 IN PTR ip-{{ .Group.c }}-{{ .Group.d }}.lab.test."
}
template IN MX lab.test {
    match ^mail\.lab\.test\.$
    answer "{{ .Name }} 300 IN MX 10 mx.{{ .Zone }}"
    additional "mx.{{ .Zone }} 300 IN A 10.99.0.25"
    authority "{{ .Zone }} 300 IN NS ns1.{{ .Zone }}"
}
template ANY ANY lab.test {
    match ^departed\.
    rcode NXDOMAIN
    authority "{{ .Zone }} 60 IN SOA ns1.{{ .Zone }} hostmaster.{{ .Zone }} 1 60 60 60 60"
    fallthrough
}
template IN TXT lab.test {
    match ^blocked\.lab\.test\.$
    rcode REFUSED
    ederror 15 "lab policy"
    fallthrough
}
template IN TXT lab.test {
    match ^echo\.lab\.test\.$
    answer "{{ .Name }} 0 IN TXT {{ .Remote }} {{ .Type }} {{ .Class }} {{ index .Match 0 }}"
}
template IN AAAA lab.test {
    match ^v6-(?P<n>[0-9a-f]+)\.lab\.test\.$
    expr incidr(client_ip(), '127.0.0.0/30')
    answer "{{ .Name }} 60 IN AAAA 2001:db8:99::{{ .Group.n }}"
    fallthrough
}
template IN SRV lab.test {
    match ^_svc\._tcp\.lab\.test\.$
    answer "{{ .Name }} 60 IN SRV 0 0 8080 ip-0-8.lab.test."
}`

type labCase struct {
	test.Case
	remote string // client address; the test writer's default when empty
}

func next(name string) []dns.RR { return []dns.RR{test.TXT(name + " 0 IN TXT next")} }

func TestTemplateLab(t *testing.T) {
	h := newHandler(t, labTemplates, "lab.test.:53", "99.10.in-addr.arpa.:53")
	soa := test.SOA("lab.test. 60 IN SOA ns1.lab.test. hostmaster.lab.test. 1 60 60 60 60")
	cases := []labCase{
		{Case: test.Case{Qname: "ip-4-20.lab.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ip-4-20.lab.test. 60 IN A 10.99.4.20")}}},
		// The name is lowercased before matching and templating.
		{Case: test.Case{Qname: "IP-4-21.lab.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ip-4-21.lab.test. 60 IN A 10.99.4.21")}}},
		// Other types, other names: on to the next plugin.
		{Case: test.Case{Qname: "ip-4-20.lab.test.", Qtype: dns.TypeAAAA, Answer: next("ip-4-20.lab.test.")}},
		{Case: test.Case{Qname: "ip-4-2000.lab.test.", Qtype: dns.TypeA, Answer: next("ip-4-2000.lab.test.")}},
		{Case: test.Case{Qname: "ip-7-7.sub.lab.test.", Qtype: dns.TypeA, Answer: next("ip-7-7.sub.lab.test.")}},
		{Case: test.Case{Qname: "20.4.99.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("20.4.99.10.in-addr.arpa. 60 IN PTR ip-4-20.lab.test.")}}},
		{Case: test.Case{Qname: "20.4.99.10.in-addr.arpa.", Qtype: dns.TypeTXT, Answer: next("20.4.99.10.in-addr.arpa.")}},
		{Case: test.Case{Qname: "mail.lab.test.", Qtype: dns.TypeMX, Authoritative: true,
			Answer: []dns.RR{test.MX("mail.lab.test. 300 IN MX 10 mx.lab.test.")},
			Ns:     []dns.RR{test.NS("lab.test. 300 IN NS ns1.lab.test.")},
			Extra:  []dns.RR{test.A("mx.lab.test. 300 IN A 10.99.0.25")}}},
		{Case: test.Case{Qname: "departed.lab.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soa}}},
		{Case: test.Case{Qname: "departed.lab.test.", Qtype: dns.TypeTXT, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soa}}},
		{Case: test.Case{Qname: "echo.lab.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`echo.lab.test. 0 IN TXT "10.240.0.1" "TXT" "IN" "echo.lab.test."`)}}},
		{remote: "127.0.0.9", Case: test.Case{Qname: "echo.lab.test.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`echo.lab.test. 0 IN TXT "127.0.0.9" "TXT" "IN" "echo.lab.test."`)}}},
		// The expression must hold as well as the regex.
		{remote: "127.0.0.1", Case: test.Case{Qname: "v6-ab.lab.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("v6-ab.lab.test. 60 IN AAAA 2001:db8:99::ab")}}},
		{remote: "127.0.0.2", Case: test.Case{Qname: "v6-ab.lab.test.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("v6-ab.lab.test. 60 IN AAAA 2001:db8:99::ab")}}},
		{remote: "127.0.0.7", Case: test.Case{Qname: "v6-ab.lab.test.", Qtype: dns.TypeAAAA, Answer: next("v6-ab.lab.test.")}},
		{Case: test.Case{Qname: "_svc._tcp.lab.test.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_svc._tcp.lab.test. 60 IN SRV 0 0 8080 ip-0-8.lab.test.")}}},
		{Case: test.Case{Qname: "plain.lab.test.", Qtype: dns.TypeCNAME, Answer: next("plain.lab.test.")}},
		// Outside every template zone.
		{Case: test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: next("example.org.")}},
	}
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype]+"/"+tc.remote, func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: tc.remote})
			if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
				t.Fatalf("ServeDNS: %v", err)
			}
			if rec.Msg == nil {
				t.Fatal("no response written")
			}
			if err := test.SortAndCheck(rec.Msg, tc.Case); err != nil {
				t.Error(err)
			}
			if rec.Msg.Question[0].Name != tc.Qname {
				t.Errorf("question name %q, want %q as asked", rec.Msg.Question[0].Name, tc.Qname)
			}
		})
	}
}

// A zone match without a regex match and without fallthrough is SERVFAIL,
// left for the server to write.
func TestTemplateNoFallthrough(t *testing.T) {
	h := newHandler(t, labTemplates, "lab.test.:53")
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("_other._tcp.lab.test.", dns.TypeSRV)
	rc, err := h.ServeDNS(context.Background(), rec, m)
	if rc != dns.RcodeServerFailure || err != nil || rec.Msg != nil {
		t.Errorf("got rcode %d, err %v, written %v; want SERVFAIL, nil, nothing", rc, err, rec.Msg)
	}
}

func TestTemplateExtendedError(t *testing.T) {
	h := newHandler(t, labTemplates, "lab.test.:53")
	for _, do := range []bool{false, true} {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetQuestion("blocked.lab.test.", dns.TypeTXT)
		if do {
			m.SetEdns0(1232, false)
		}
		rc, err := h.ServeDNS(context.Background(), rec, m)
		if err != nil || !isWritten(rc) {
			t.Fatalf("ServeDNS = %d, %v", rc, err)
		}
		r := rec.Msg
		if r.Rcode != dns.RcodeRefused || !r.Authoritative || len(r.Answer)+len(r.Ns) != 0 {
			t.Errorf("got %v, want an empty authoritative REFUSED", r)
		}
		opt := r.IsEdns0()
		if opt == nil || opt.UDPSize() != 4096 || !opt.Do() || len(opt.Option) != 1 {
			t.Fatalf("OPT = %v, want 4096 bytes, DO and one option", opt)
		}
		ede, ok := opt.Option[0].(*dns.EDNS0_EDE)
		if !ok || ede.InfoCode != 15 || ede.ExtraText != "lab policy" {
			t.Errorf("option = %v, want EDE 15 \"lab policy\"", opt.Option[0])
		}
	}
}

// isWritten reports whether the server would leave the reply alone.
func isWritten(rc int) bool {
	return rc == dns.RcodeSuccess || rc == dns.RcodeNameError
}

func TestTemplateRcodeReturned(t *testing.T) {
	h := newHandler(t, "template ANY ANY {\n rcode NXDOMAIN\n}", ".:53")
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("anything.example.", dns.TypeA)
	rc, err := h.ServeDNS(context.Background(), rec, m)
	if rc != dns.RcodeNameError || err != nil {
		t.Errorf("ServeDNS = %d, %v; want NXDOMAIN, nil", rc, err)
	}
	if rec.Msg == nil || rec.Msg.Rcode != dns.RcodeNameError || !rec.Msg.Authoritative {
		t.Errorf("written %v, want an authoritative NXDOMAIN", rec.Msg)
	}
}

// The errors golden scenario: records that do not parse and templates that
// do not run are SERVFAIL with an error, and counted.
func TestTemplateFailures(t *testing.T) {
	h := newHandler(t, `
template IN A {
    match ^bad\.meadow\.test\.$
    answer "{{ .Name }} 60 IN A 10.99.14.999"
}
template IN AAAA {
    match ^bad\.meadow\.test\.$
    answer "{{ .Name }} 60 IN AAAA {{ .Name }}"
}
template IN TXT {
    match ^bad\.meadow\.test\.$
    answer "{{ .Name }} 60 IN TXT {{ index .Match 7 }}"
}
template IN MX {
    match ^bad\.meadow\.test\.$
    answer "{{ if false }}x{{ end }}"
}`, "meadow.test.:53")

	tests := []struct {
		qtype   uint16
		typ     string
		counter string
	}{
		{dns.TypeA, "A", "rr"},
		{dns.TypeAAAA, "AAAA", "rr"},
		{dns.TypeTXT, "TXT", "template"},
		{dns.TypeMX, "MX", "rr"},
	}
	for _, tc := range tests {
		t.Run(tc.typ, func(t *testing.T) {
			tmpl := h.Templates[0].answer[0].text
			for _, x := range h.Templates {
				if x.typeLabel == tc.typ {
					tmpl = x.answer[0].text
				}
			}
			c := templateRRFailureCount
			if tc.counter == "template" {
				c = templateFailureCount
			}
			labels := []string{"", "meadow.test.", "", "IN", tc.typ, "answer", tmpl}
			before := counterValue(t, c.WithLabelValues(labels...))

			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			m := new(dns.Msg)
			m.SetQuestion("bad.meadow.test.", tc.qtype)
			rc, err := h.ServeDNS(context.Background(), rec, m)
			if rc != dns.RcodeServerFailure || err == nil || rec.Msg != nil {
				t.Errorf("got %d, %v, written %v; want SERVFAIL with an error and nothing written", rc, err, rec.Msg)
			}
			if after := counterValue(t, c.WithLabelValues(labels...)); after != before+1 {
				t.Errorf("%s failures went from %v to %v, want one more", tc.counter, before, after)
			}
		})
	}
}

func TestTemplateMatchesCounted(t *testing.T) {
	h := newHandler(t, "template IN A {\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n}", "count.test.:53")
	labels := []string{"", "count.test.", "", "IN", "A"}
	before := counterValue(t, templateMatchesCount.WithLabelValues(labels...))
	m := new(dns.Msg)
	m.SetQuestion("x.count.test.", dns.TypeA)
	if _, err := h.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m); err != nil {
		t.Fatal(err)
	}
	if after := counterValue(t, templateMatchesCount.WithLabelValues(labels...)); after != before+1 {
		t.Errorf("matches went from %v to %v, want one more", before, after)
	}
}

// The metadata golden scenario: .Meta reads labels, "" when unknown.
func TestTemplateMeta(t *testing.T) {
	h := newHandler(t, "template IN TXT {\n answer \"{{ .Name }} 60 IN TXT view=[{{ .Meta `view/name` }}] none=[{{ .Meta `no/such` }}]\"\n}", "lab.test.:53")
	ask := func(ctx context.Context) *dns.Msg {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetQuestion("m.lab.test.", dns.TypeTXT)
		if _, err := h.ServeDNS(ctx, rec, m); err != nil {
			t.Fatal(err)
		}
		return rec.Msg
	}

	ctx := metadata.ContextWithMetadata(context.Background())
	metadata.SetValueFunc(ctx, "view/name", func() string { return "blue" })
	tc := test.Case{Qname: "m.lab.test.", Qtype: dns.TypeTXT, Authoritative: true,
		Answer: []dns.RR{test.TXT(`m.lab.test. 60 IN TXT "view=[blue]" "none=[]"`)}}
	if err := test.SortAndCheck(ask(ctx), tc); err != nil {
		t.Error(err)
	}

	tc.Answer = []dns.RR{test.TXT(`m.lab.test. 60 IN TXT "view=[]" "none=[]"`)}
	if err := test.SortAndCheck(ask(context.Background()), tc); err != nil {
		t.Error(err)
	}
}

func TestTemplateHelpersAndGroups(t *testing.T) {
	h := newHandler(t, `
template IN A example {
    match "^ip0a(?P<b>[a-z0-9]{2})(?P<c>[a-z0-9]{2})(?P<d>[a-z0-9]{2})[.]example[.]$"
    match "^(?P<b>[0-9]+)-(?P<c>[0-9]+)-([0-9]+)[.]dec[.]example[.]$"
    answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt (index .Match 3) 16 8 }}"
}
template IN TXT example {
    answer "{{ .Name }} 60 IN TXT {{ .Zone }} {{ .Question.Qtype }} {{ .Message.Id }} {{ index .Group \"0\" }}"
}`, "example.:53")
	cases := []test.Case{
		{Qname: "ip0a7b7cff.example.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ip0a7b7cff.example. 60 IN A 10.123.124.255")}},
		// Second regex; the numbered group is used via .Match.
		{Qname: "10-20-30.dec.example.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("10-20-30.dec.example. 60 IN A 10.16.32.48")}},
		{Qname: "t.example.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`t.example. 60 IN TXT "example." "16" "4242" "t.example."`)}},
	}
	for _, tc := range cases {
		m := tc.Msg()
		m.Id = 4242
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if _, err := h.ServeDNS(context.Background(), rec, m); err != nil {
			t.Fatalf("%s: %v", tc.Qname, err)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Error(err)
		}
	}

	// A value parseInt cannot take fails the template.
	m := new(dns.Msg)
	m.SetQuestion("ip0azzzzzz.example.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rc, err := h.ServeDNS(context.Background(), rec, m)
	if rc != dns.RcodeServerFailure || err == nil || rec.Msg != nil {
		t.Errorf("got %d, %v, written %v; want SERVFAIL with an error, nothing written", rc, err, rec.Msg)
	}
}

// A query of type ANY matches a template of any type; a template of type
// ANY matches every query type.
func TestTemplateAnyType(t *testing.T) {
	h := newHandler(t, "template IN A {\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n}", "any.test.:53")
	tc := test.Case{Qname: "x.any.test.", Qtype: dns.TypeANY, Authoritative: true,
		Answer: []dns.RR{test.A("x.any.test. 60 IN A 192.0.2.1")}}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

// Fallthrough limited to zones falls through only for names in them.
func TestTemplateFallthroughZones(t *testing.T) {
	h := newHandler(t, `template IN A {
    match ^only\.
    answer "{{ .Name }} 60 IN A 192.0.2.1"
    fallthrough sub.example.
}`, "example.:53")
	for _, tc := range []struct {
		name string
		rc   int
	}{
		{"x.sub.example.", dns.RcodeSuccess},
		{"x.example.", dns.RcodeServerFailure},
	} {
		m := new(dns.Msg)
		m.SetQuestion(tc.name, dns.TypeA)
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rc, _ := h.ServeDNS(context.Background(), rec, m)
		if rc != tc.rc {
			t.Errorf("%s: rcode %d, want %d", tc.name, rc, tc.rc)
		}
		if tc.rc == dns.RcodeSuccess && (rec.Msg == nil || len(rec.Msg.Answer) != 1 || rec.Msg.Answer[0].Header().Rrtype != dns.TypeTXT) {
			t.Errorf("%s: got %v, want the next plugin's answer", tc.name, rec.Msg)
		}
	}
}

// Templates only answer below their own zones: other names of the server
// block go straight on.
func TestTemplateZones(t *testing.T) {
	h := newHandler(t, "template IN A a.example {\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n}", "example.:53")
	m := new(dns.Msg)
	m.SetQuestion("b.example.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := h.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "b.example.", Qtype: dns.TypeA, Answer: next("b.example.")}); err != nil {
		t.Error(err)
	}
}

// Without a next plugin a query the templates pass on is a SERVFAIL error.
func TestTemplateNoNext(t *testing.T) {
	h := newHandler(t, "template IN A {\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n}", "example.:53")
	h.Next = nil
	m := new(dns.Msg)
	m.SetQuestion("b.example.", dns.TypeAAAA)
	rc, err := h.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m)
	if rc != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL with an error", rc, err)
	}
}

func TestTemplateExpressionError(t *testing.T) {
	// incidr fails on a bad CIDR at run time: the expression counts as false.
	h := newHandler(t, "template IN A {\n expr incidr(client_ip(), name())\n answer \"{{ .Name }} 60 IN A 192.0.2.1\"\n fallthrough\n}", "example.:53")
	m := new(dns.Msg)
	m.SetQuestion("b.example.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := h.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "b.example.", Qtype: dns.TypeA, Answer: next("b.example.")}); err != nil {
		t.Error(err)
	}
}

// counterValue reads the value of one counter.
func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
