package response

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

func rr(s string) dns.RR {
	r, err := dns.NewRR(s)
	if err != nil {
		panic(err)
	}
	return r
}

func msg(qname string, qtype uint16, rcode int, answer, ns []dns.RR) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.Response = true
	m.Rcode = rcode
	m.Answer = answer
	m.Ns = ns
	return m
}

func withDo(m *dns.Msg) *dns.Msg {
	m.SetEdns0(4096, true)
	return m
}

const (
	soa       = "example.org. 1800 IN SOA ns.example.org. hostmaster.example.org. 1 3600 600 86400 300"
	sigOK     = "example.org. 3600 IN RRSIG NS 8 2 3600 20170521031301 20170421031301 12051 example.org. aGVsbG8="
	sigFailed = "example.org. 3600 IN RRSIG NS 8 2 3600 20160521031301 20160421031301 12051 example.org. aGVsbG8="
)

func TestTypify(t *testing.T) {
	now, _ := time.Parse(time.RFC3339, "2017-04-21T10:51:21Z")

	update := msg("example.org.", dns.TypeSOA, dns.RcodeSuccess, nil, nil)
	update.Opcode = dns.OpcodeUpdate
	notify := msg("example.org.", dns.TypeSOA, dns.RcodeSuccess, nil, nil)
	notify.Opcode = dns.OpcodeNotify

	delegation := []dns.RR{rr("sub.example.org. 3600 IN NS ns.sub.example.org.")}

	tests := []struct {
		name string
		m    *dns.Msg
		want Type
	}{
		{"nil", nil, OtherError},
		{"answer", msg("a.example.org.", dns.TypeA, dns.RcodeSuccess, []dns.RR{rr("a.example.org. 60 IN A 127.0.0.1")}, nil), NoError},
		{"nodata", msg("a.example.org.", dns.TypeAAAA, dns.RcodeSuccess, nil, []dns.RR{rr(soa)}), NoData},
		{"nxdomain", msg("b.example.org.", dns.TypeA, dns.RcodeNameError, nil, []dns.RR{rr(soa)}), NameError},
		{"nxdomain without soa", msg("b.example.org.", dns.TypeA, dns.RcodeNameError, nil, nil), OtherError},
		{"nxdomain with own cname", msg("b.example.org.", dns.TypeA, dns.RcodeNameError, []dns.RR{rr("b.example.org. 60 IN CNAME a.example.org.")}, nil), OtherError},
		{"servfail", msg("a.example.org.", dns.TypeA, dns.RcodeServerFailure, nil, nil), ServerError},
		{"notimp", msg("a.example.org.", dns.TypeA, dns.RcodeNotImplemented, nil, nil), ServerError},
		{"refused", msg("a.example.org.", dns.TypeA, dns.RcodeRefused, nil, nil), OtherError},
		{"delegation", msg("a.sub.example.org.", dns.TypeA, dns.RcodeSuccess, nil, delegation), Delegation},
		{"empty noerror", msg("a.example.org.", dns.TypeA, dns.RcodeSuccess, nil, nil), NoError},
		{"axfr", msg("example.org.", dns.TypeAXFR, dns.RcodeSuccess, nil, nil), Meta},
		{"ixfr", msg("example.org.", dns.TypeIXFR, dns.RcodeSuccess, nil, nil), Meta},
		{"notify", notify, Meta},
		{"update", update, Update},
		{"good sig with do", withDo(msg("a.sub.example.org.", dns.TypeA, dns.RcodeSuccess, nil, append(delegation, rr(sigOK)))), Delegation},
		{"expired sig without do", msg("a.sub.example.org.", dns.TypeA, dns.RcodeSuccess, nil, append(delegation, rr(sigFailed))), Delegation},
		{"expired sig with do", withDo(msg("a.sub.example.org.", dns.TypeA, dns.RcodeSuccess, nil, append(delegation, rr(sigFailed)))), OtherError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, opt := Typify(tc.m, now)
			if got != tc.want {
				t.Errorf("Typify() = %s, want %s", got, tc.want)
			}
			if tc.m != nil && opt != tc.m.IsEdns0() {
				t.Errorf("Typify() returned OPT %v, want %v", opt, tc.m.IsEdns0())
			}
		})
	}
}

func TestTypeString(t *testing.T) {
	tests := []struct {
		t    Type
		name string
	}{
		{NoError, "NOERROR"},
		{NameError, "NXDOMAIN"},
		{ServerError, "SERVFAIL"},
		{NoData, "NODATA"},
		{Delegation, "DELEGATION"},
		{Meta, "META"},
		{Update, "UPDATE"},
		{OtherError, "OTHERERROR"},
	}
	for _, tc := range tests {
		if got := tc.t.String(); got != tc.name {
			t.Errorf("Type(%d).String() = %q, want %q", tc.t, got, tc.name)
		}
		got, err := TypeFromString(tc.name)
		if err != nil || got != tc.t {
			t.Errorf("TypeFromString(%q) = %d, %v; want %d", tc.name, got, err, tc.t)
		}
	}
	if _, err := TypeFromString("nxdomain"); err == nil {
		t.Error("TypeFromString(\"nxdomain\") expected error")
	}
	if s := Type(42).String(); s != "" {
		t.Errorf("Type(42).String() = %q, want empty", s)
	}
}

func BenchmarkTypify(b *testing.B) {
	m := msg("a.example.org.", dns.TypeA, dns.RcodeSuccess, []dns.RR{rr("a.example.org. 60 IN A 127.0.0.1")}, nil)
	now := time.Now()
	for b.Loop() {
		Typify(m, now)
	}
}
