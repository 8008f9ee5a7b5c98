package external

import (
	"errors"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

var _ transfer.Transferer = &External{}

func drain(t *testing.T, e *External, zone string, serial uint32) []dns.RR {
	t.Helper()
	ch, err := e.Transfer(zone, serial)
	if err != nil {
		t.Fatalf("Transfer(%q, %d): %v", zone, serial, err)
	}
	var rrs []dns.RR
	for batch := range ch {
		rrs = append(rrs, batch...)
	}
	return rrs
}

func checkRRs(t *testing.T, got, want []dns.RR) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].String() != want[i].String() {
			t.Errorf("record %d is %q, want %q", i, got[i], want[i])
		}
	}
}

func TestTransferAXFR(t *testing.T) {
	e := newTestExternal()
	want := []dns.RR{
		test.SOA(soaLine),
		test.NS("example.com. 5 IN NS ns1.dns.example.com."),
		test.A("ns1.dns.example.com. 5 IN A 127.0.0.1"),
		test.AAAA("ns1.dns.example.com. 5 IN AAAA ::1"),
		test.A("svc1.testns.example.com. 5 IN A 1.2.3.4"),
		test.SRV("svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com."),
		test.SRV("_http._tcp.svc1.testns.example.com. 5 IN SRV 0 100 80 svc1.testns.example.com."),
		test.CNAME("svc12.testns.example.com. 5 IN CNAME dummy.hostname."),
		test.SRV("svc12.testns.example.com. 5 IN SRV 0 100 80 dummy.hostname."),
		test.A("endpoint-svc-0.svc-headless.testns.example.com. 5 IN A 1.2.3.4"),
		test.SRV("endpoint-svc-0.svc-headless.testns.example.com. 5 IN SRV 0 100 80 endpoint-svc-0.svc-headless.testns.example.com."),
		test.A("endpoint-svc-1.svc-headless.testns.example.com. 5 IN A 1.2.3.5"),
		test.SRV("endpoint-svc-1.svc-headless.testns.example.com. 5 IN SRV 0 100 80 endpoint-svc-1.svc-headless.testns.example.com."),
		test.SOA(soaLine),
	}
	checkRRs(t, drain(t, e, "example.com.", 0), want)

	// An IXFR from an older serial falls back to the whole zone.
	checkRRs(t, drain(t, e, "example.com.", fakeSerial-10), want)

	// Without headless the endpoints are left out.
	e.headless = false
	checkRRs(t, drain(t, e, "example.com.", 0), append(append([]dns.RR{}, want[:9]...), want[13]))
}

func TestTransferIXFRCurrent(t *testing.T) {
	e := newTestExternal()
	for _, serial := range []uint32{fakeSerial, fakeSerial + 1} {
		checkRRs(t, drain(t, e, "example.com.", serial), []dns.RR{test.SOA(soaLine)})
	}
}

func TestTransferNotAuthoritative(t *testing.T) {
	e := newTestExternal()
	if _, err := e.Transfer("example.org.", 0); !errors.Is(err, transfer.ErrNotAuthoritative) {
		t.Errorf("zone not served: got %v, want ErrNotAuthoritative", err)
	}
	e.backend = nil
	if _, err := e.Transfer("example.com.", 0); !errors.Is(err, transfer.ErrNotAuthoritative) {
		t.Errorf("no backend: got %v, want ErrNotAuthoritative", err)
	}
}
