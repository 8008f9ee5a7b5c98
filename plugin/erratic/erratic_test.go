package erratic

import (
	"context"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// serve sends one query and returns the rcode and the written reply (nil
// when dropped).
func serve(t *testing.T, e *Erratic, name string, qtype uint16) (int, *dns.Msg) {
	t.Helper()
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	rcode, err := e.ServeDNS(context.Background(), rec, m)
	if err != nil {
		t.Fatalf("%s/%s: %v", name, dns.TypeToString[qtype], err)
	}
	return rcode, rec.Msg
}

func TestAnswers(t *testing.T) {
	e := &Erratic{}
	tests := []struct {
		tc    test.Case
		rcode int
	}{
		{test.Case{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("example.org. 0 IN A 192.0.2.53")}}, 0},
		{test.Case{Qname: "Www.Example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("Www.Example.org. 0 IN A 192.0.2.53")}}, 0},
		{test.Case{Qname: "example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("example.org. 0 IN AAAA 2001:db8::53")}}, 0},
	}
	for _, tt := range tests {
		rcode, m := serve(t, e, tt.tc.Qname, tt.tc.Qtype)
		if rcode != tt.rcode {
			t.Errorf("%s: rcode %d, want %d", tt.tc.Qname, rcode, tt.rcode)
		}
		if err := test.SortAndCheck(m, tt.tc); err != nil {
			t.Error(err)
		}
		if m.Truncated {
			t.Errorf("%s: truncated without truncate", tt.tc.Qname)
		}
	}
	// Other types are left to the server, which answers SERVFAIL.
	for _, qtype := range []uint16{dns.TypeMX, dns.TypeSRV, dns.TypeTXT, dns.TypeIXFR} {
		if rcode, m := serve(t, e, "example.org.", qtype); rcode != dns.RcodeServerFailure || m != nil {
			t.Errorf("%s: got %d, %v; want SERVFAIL and nothing written", dns.TypeToString[qtype], rcode, m)
		}
	}
}

func TestLarge(t *testing.T) {
	e := &Erratic{large: true}
	_, m := serve(t, e, "example.org.", dns.TypeA)
	if len(m.Answer) != largeExtra+1 || m.Len() <= 512 {
		t.Errorf("large answer has %d records, %d bytes", len(m.Answer), m.Len())
	}
}

// outcomes runs n A queries and returns, per query, 'D' for dropped, 'T' for
// truncated and '.' for a normal reply.
func outcomes(t *testing.T, e *Erratic, n int) string {
	b := make([]byte, n)
	for i := range b {
		_, m := serve(t, e, "example.org.", dns.TypeA)
		switch {
		case m == nil:
			b[i] = 'D'
		case m.Truncated:
			if len(m.Answer) != 1 {
				t.Errorf("truncated reply has %d answers, want 1", len(m.Answer))
			}
			b[i] = 'T'
		default:
			b[i] = '.'
		}
	}
	return string(b)
}

func TestDropAndTruncate(t *testing.T) {
	tests := []struct {
		drop, trunc uint64
		want        string
	}{
		{2, 0, "D.D.D.D."},
		{3, 0, "D..D..D.."},
		{1, 0, "DDDD"},
		{0, 0, "...."},
		// Truncation follows CoreDNS: query number n (from 0) is truncated
		// when n AND amount is 0.
		{0, 2, "TT..TT..TT"},
		{0, 1, "T.T.T.T."},
		{0, 5, "T.T.....T.T....."},
		{3, 2, "DT.DTTD.TD.."}, // the golden erratic scenario
	}
	for _, tc := range tests {
		e := &Erratic{drop: tc.drop, truncate: tc.trunc}
		if got := outcomes(t, e, len(tc.want)); got != tc.want {
			t.Errorf("drop %d truncate %d: got %s, want %s", tc.drop, tc.trunc, got, tc.want)
		}
	}
}

func TestDelay(t *testing.T) {
	e := &Erratic{delay: 2, duration: 50 * time.Millisecond}
	for i, slow := range []bool{true, false, true, false} {
		start := time.Now()
		_, m := serve(t, e, "example.org.", dns.TypeA)
		took := time.Since(start)
		if m == nil {
			t.Fatalf("query %d: no reply", i)
		}
		if slow && took < 50*time.Millisecond {
			t.Errorf("query %d: took %v, want a delay", i, took)
		}
		if !slow && took >= 50*time.Millisecond {
			t.Errorf("query %d: took %v, want no delay", i, took)
		}
	}
}

func TestDelayCancelled(t *testing.T) {
	e := &Erratic{delay: 1, duration: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, err := e.ServeDNS(ctx, rec, m); err != nil || rec.Msg != nil {
		t.Errorf("got %v, %v; want nothing written once the context ends", err, rec.Msg)
	}
}

func TestReady(t *testing.T) {
	e := &Erratic{}
	want := []bool{false, false, false, true, true, false, false}
	for i, w := range want {
		if got := e.Ready(); got != w {
			t.Errorf("after %d queries: Ready() = %t, want %t", i, got, w)
		}
		serve(t, e, "example.org.", dns.TypeA)
	}
}
