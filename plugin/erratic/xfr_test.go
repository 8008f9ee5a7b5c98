package erratic

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const xfrSOA = "lab.test. 0 IN SOA sns.dns.icann.org. noc.dns.icann.org. 2018050825 7200 3600 1209600 3600"

func wantZone(final bool) []dns.RR {
	rrs := []dns.RR{
		test.SOA(xfrSOA),
		test.NS("lab.test. 0 IN NS a.lab.test."),
		test.NS("lab.test. 0 IN NS b.lab.test."),
		test.AAAA("a.lab.test. 0 IN AAAA 2001:bd8::53"),
		test.AAAA("b.lab.test. 0 IN AAAA 2001:500::54"),
	}
	if final {
		rrs = append(rrs, test.SOA(xfrSOA))
	}
	return rrs
}

func checkOrdered(t *testing.T, what string, got, want []dns.RR) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d: %v", what, len(got), len(want), got)
	}
	for i := range got {
		if got[i].String() != want[i].String() {
			t.Errorf("%s: record %d is %q, want %q", what, i, got[i], want[i])
		}
	}
}

func TestAXFR(t *testing.T) {
	for _, trunc := range []bool{false, true} {
		e := &Erratic{}
		if trunc {
			e.truncate = 1 // query 0: 0 AND 1 is 0, so truncated
		}
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetAxfr("lab.test.")
		if rcode, err := e.ServeDNS(context.Background(), rec, m); rcode != 0 || err != nil {
			t.Fatalf("got %d, %v", rcode, err)
		}
		if !rec.Msg.Authoritative || rec.Msg.Rcode != dns.RcodeSuccess {
			t.Errorf("reply header: %v", rec.Msg.MsgHdr)
		}
		checkOrdered(t, "axfr", rec.Msg.Answer, wantZone(!trunc))
	}
}

func TestAXFRDropped(t *testing.T) {
	e := &Erratic{drop: 1}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetAxfr("lab.test.")
	if _, err := e.ServeDNS(context.Background(), rec, m); err != nil || rec.Msg != nil {
		t.Errorf("got %v, %v; want the transfer dropped", err, rec.Msg)
	}
}

func TestTransfer(t *testing.T) {
	e := &Erratic{}
	ch, err := e.Transfer("lab.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []dns.RR
	for rrs := range ch {
		got = append(got, rrs...)
	}
	checkOrdered(t, "transfer", got, wantZone(true))

	ch, _ = e.Transfer(".", 0)
	rrs := <-ch
	if rrs[1].(*dns.NS).Ns != "a." {
		t.Errorf("root zone NS is %s", rrs[1])
	}
}
