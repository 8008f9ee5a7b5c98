package transfer

import (
	"context"
	"errors"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// zoneXfr serves one small zone.
type zoneXfr struct {
	zone string
	soa  *dns.SOA
	rrs  []dns.RR
}

func newZoneXfr(zone string, serial uint32) *zoneXfr {
	soa := test.SOA(zone + " 3600 IN SOA ns1." + zone + " admin." + zone + " 1 7200 3600 86400 300")
	soa.Serial = serial
	return &zoneXfr{
		zone: zone,
		soa:  soa,
		rrs: []dns.RR{
			test.NS(zone + " 3600 IN NS ns1." + zone),
			test.A("ns1." + zone + " 3600 IN A 192.0.2.1"),
			test.A("www." + zone + " 3600 IN A 192.0.2.2"),
		},
	}
}

func (z *zoneXfr) Transfer(zone string, serial uint32) (<-chan []dns.RR, error) {
	if zone != z.zone {
		return nil, ErrNotAuthoritative
	}
	ch := make(chan []dns.RR, 4)
	if serial != 0 && serial >= z.soa.Serial {
		ch <- []dns.RR{z.soa}
		close(ch)
		return ch, nil
	}
	ch <- []dns.RR{z.soa, z.rrs[0]}
	ch <- z.rrs[1:]
	ch <- []dns.RR{z.soa}
	close(ch)
	return ch, nil
}

// failXfr fails every transfer.
type failXfr struct{}

func (failXfr) Transfer(string, uint32) (<-chan []dns.RR, error) { return nil, errors.New("boom") }

func newTransfer(t *testing.T, to ...string) *Transfer {
	t.Helper()
	x := &xfr{Zones: []string{"example.org."}}
	for _, a := range to {
		if err := x.addTo(a); err != nil {
			t.Fatal(err)
		}
	}
	return &Transfer{
		Transferers: []Transferer{newZoneXfr("other.org.", 9), newZoneXfr("example.org.", 5)},
		xfrs:        []*xfr{x},
		Next:        test.NextHandler(dns.RcodeNotImplemented, nil),
	}
}

func TestServeDNS(t *testing.T) {
	tests := []struct {
		name    string
		to      []string
		qname   string
		qtype   uint16
		ixfr    uint32
		tcp     bool
		remote  string
		rcode   int
		answers [][]string // the records of every message written
	}{
		{name: "axfr", to: []string{"*"}, qname: "example.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeSuccess,
			answers: [][]string{{"example.org. SOA 5", "example.org. NS", "ns1.example.org. A", "www.example.org. A", "example.org. SOA 5"}}},
		{name: "axfr over udp", to: []string{"*"}, qname: "example.org.", qtype: dns.TypeAXFR, rcode: dns.RcodeRefused},
		{name: "ixfr, client behind", to: []string{"10.240.0.1"}, qname: "example.org.", qtype: dns.TypeIXFR, ixfr: 3, tcp: true, rcode: dns.RcodeSuccess,
			answers: [][]string{{"example.org. SOA 5", "example.org. NS", "ns1.example.org. A", "www.example.org. A", "example.org. SOA 5"}}},
		{name: "ixfr, client current", to: []string{"10.240.0.0/24"}, qname: "example.org.", qtype: dns.TypeIXFR, ixfr: 5, tcp: true, rcode: dns.RcodeSuccess,
			answers: [][]string{{"example.org. SOA 5"}}},
		{name: "client not listed", to: []string{"10.240.1.1", "192.0.2.0/24"}, qname: "example.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeRefused},
		{name: "client by port", to: []string{"10.240.0.1:5300"}, qname: "example.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeSuccess,
			answers: [][]string{{"example.org. SOA 5", "example.org. NS", "ns1.example.org. A", "www.example.org. A", "example.org. SOA 5"}}},
		{name: "ipv6 client", to: []string{"2001:db8::/32"}, remote: "2001:db8::1", qname: "example.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeSuccess,
			answers: [][]string{{"example.org. SOA 5", "example.org. NS", "ns1.example.org. A", "www.example.org. A", "example.org. SOA 5"}}},
		{name: "not an apex: next plugin", to: []string{"*"}, qname: "www.example.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeNotImplemented},
		{name: "other zone: next plugin", to: []string{"*"}, qname: "other.org.", qtype: dns.TypeAXFR, tcp: true, rcode: dns.RcodeNotImplemented},
		{name: "plain query: next plugin", to: []string{"*"}, qname: "example.org.", qtype: dns.TypeSOA, tcp: true, rcode: dns.RcodeNotImplemented},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTransfer(t, tc.to...)
			m := new(dns.Msg)
			if tc.qtype == dns.TypeIXFR {
				m.SetIxfr(tc.qname, tc.ixfr, "ns1.example.org.", "admin.example.org.")
			} else {
				m.SetQuestion(tc.qname, tc.qtype)
			}
			rec := dnstest.NewMultiRecorder(&test.ResponseWriter{TCP: tc.tcp, RemoteIP: tc.remote})
			rcode, err := tr.ServeDNS(context.Background(), rec, m)
			if err != nil {
				t.Fatal(err)
			}
			if rcode != tc.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[rcode], dns.RcodeToString[tc.rcode])
			}
			if len(rec.Msgs) != len(tc.answers) {
				t.Fatalf("%d messages written, want %d", len(rec.Msgs), len(tc.answers))
			}
			for i, msg := range rec.Msgs {
				if !msg.Authoritative || msg.Rcode != dns.RcodeSuccess || msg.Id != m.Id {
					t.Errorf("message %d: bad header %v", i, msg.MsgHdr)
				}
				if got := summary(msg.Answer); !equal(got, tc.answers[i]) {
					t.Errorf("message %d: answer %v, want %v", i, got, tc.answers[i])
				}
			}
		})
	}
}

func TestServeDNSFailure(t *testing.T) {
	tr := newTransfer(t, "*")
	tr.Transferers = []Transferer{failXfr{}}
	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	rec := dnstest.NewMultiRecorder(&test.ResponseWriter{TCP: true})
	rcode, err := tr.ServeDNS(context.Background(), rec, m)
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %s, %v; want SERVFAIL and an error", dns.RcodeToString[rcode], err)
	}
}

// TestLargeTransfer checks that a big zone is split into several messages,
// each small enough for the wire.
func TestLargeTransfer(t *testing.T) {
	z := newZoneXfr("example.org.", 5)
	for i := range 1200 {
		rr := test.TXT("txt.example.org. 3600 IN TXT \"some text to make the record longer than a few bytes\"")
		rr.Header().Name = dns.Fqdn(string(rune('a'+i%26)) + "x" + itoa(i) + ".example.org")
		z.rrs = append(z.rrs, rr)
	}
	tr := newTransfer(t, "*")
	tr.Transferers = []Transferer{z}
	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	rec := dnstest.NewMultiRecorder(&test.ResponseWriter{TCP: true})
	if _, err := tr.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, msg := range rec.Msgs {
		if msg.Len() > dns.MaxMsgSize {
			t.Errorf("message of %d bytes", msg.Len())
		}
		total += len(msg.Answer)
	}
	if len(rec.Msgs) < 3 || total != 1205 {
		t.Errorf("%d messages with %d records; want at least 3 with 1205", len(rec.Msgs), total)
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// summary renders records as "owner TYPE", with the serial for a SOA.
func summary(rrs []dns.RR) []string {
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		s := rr.Header().Name + " " + dns.TypeToString[rr.Header().Rrtype]
		if soa, ok := rr.(*dns.SOA); ok {
			s += " " + itoa(int(soa.Serial))
		}
		out = append(out, s)
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNotify(t *testing.T) {
	// A secondary that acknowledges every NOTIFY and records it.
	got := make(chan string, 4)
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		if r.Opcode == dns.OpcodeNotify {
			got <- r.Question[0].Name
		}
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m) //nolint:errcheck // test
	})
	defer s.Close()

	tr := newTransfer(t, "*", "10.0.0.0/8", s.Addr)
	if err := tr.Notify("example.org"); err != nil {
		t.Fatal(err)
	}
	select {
	case name := <-got:
		if name != "example.org." {
			t.Errorf("NOTIFY for %q", name)
		}
	default:
		t.Fatal("no NOTIFY received")
	}
	if len(got) != 0 {
		t.Errorf("%d extra NOTIFYs", len(got))
	}

	// Zones we do not transfer, and a nil plugin, send nothing.
	if err := tr.Notify("other.org."); err != nil || len(got) != 0 {
		t.Errorf("NOTIFY for a zone not configured: %v, %d sent", err, len(got))
	}
	var none *Transfer
	if err := none.Notify("example.org."); err != nil {
		t.Error(err)
	}
}
