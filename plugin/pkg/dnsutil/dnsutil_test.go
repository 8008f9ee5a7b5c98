package dnsutil

import (
	"testing"

	"github.com/miekg/dns"
)

func rr(s string) dns.RR {
	r, err := dns.NewRR(s)
	if err != nil {
		panic(err)
	}
	return r
}

func TestDuplicateCNAME(t *testing.T) {
	records := []dns.RR{
		rr("a.example.org. 60 IN A 127.0.0.1"),
		rr("b.example.org. 60 IN CNAME a.example.org."),
	}
	tests := []struct {
		cname string
		want  bool
	}{
		{"c.example.org. 60 IN CNAME a.example.org.", true},
		{"c.example.org. 60 IN CNAME b.example.org.", false},
		{"c.example.org. 60 IN CNAME 127.0.0.1.", false},
	}
	for _, tc := range tests {
		if got := DuplicateCNAME(rr(tc.cname).(*dns.CNAME), records); got != tc.want {
			t.Errorf("DuplicateCNAME(%q) = %v, want %v", tc.cname, got, tc.want)
		}
	}
}

func TestJoin(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"bla", "bliep", "example", "org"}, "bla.bliep.example.org."},
		{[]string{"example", "."}, "example."},
		{[]string{"example", "org."}, "example.org."},
		{[]string{"www.", "example.org."}, "www.example.org."},
		{[]string{"a.b", "example.org", "."}, "a.b.example.org."},
		{[]string{"", "example.org."}, "example.org."},
		{[]string{"."}, "."},
		{nil, "."},
	}
	for _, tc := range tests {
		if got := Join(tc.in...); got != tc.want {
			t.Errorf("Join(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestExtractAddressFromReverse(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"54.119.58.176.in-addr.arpa.", "176.58.119.54"},
		{"1.0.0.127.in-addr.arpa.", "127.0.0.1"},
		{"1.0.0.127.IN-ADDR.ARPA.", "127.0.0.1"},
		{"0.127.in-addr.arpa.", ""},
		{"1.1.0.0.127.in-addr.arpa.", ""},
		{"256.0.0.127.in-addr.arpa.", ""},
		{"1.0.0.127.in-addr.arpa", ""},
		{".in-addr.arpa.", ""},
		{"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", "4321:0:1:2:3:4:567:89ab"},
		{"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.", "::1"},
		{"B.A.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", "4321:0:1:2:3:4:567:89ab"},
		{"a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", ""},
		{"g.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", ""},
		{"ba.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", ""},
		{"example.org.", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := ExtractAddressFromReverse(tc.name); got != tc.want {
			t.Errorf("ExtractAddressFromReverse(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestIsReverse(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.", 2},
		{"d.0.1.0.0.2.ip6.arpa.", 2},
		{"54.119.58.176.in-addr.arpa.", 1},
		{"10.in-addr.arpa.", 1},
		{"in-addr.arpa.", 0},
		{"ip6.arpa.", 0},
		{"example.org.", 0},
		{"10.in-addr.arpa", 0},
	}
	for _, tc := range tests {
		if got := IsReverse(tc.name); got != tc.want {
			t.Errorf("IsReverse(%q) = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestTrimZone(t *testing.T) {
	tests := []struct {
		qname, zone string
		want        string
		wantErr     bool
	}{
		{"a.example.org.", "example.org.", "a", false},
		{"a.b.example.org.", "example.org.", "a.b", false},
		{"A.b.Example.ORG.", "example.org.", "A.b", false},
		{"a.example.org", "example.org", "a", false},
		{"a.example.org.", ".", "a.example.org", false},
		{"example.org.", "example.org.", "", true},
		{"org.", "example.org.", "", true},
		{"a.example.com.", "example.org.", "", true},
		{"aexample.org.", "example.org.", "", true},
	}
	for _, tc := range tests {
		got, err := TrimZone(tc.qname, tc.zone)
		if (err != nil) != tc.wantErr {
			t.Errorf("TrimZone(%q, %q) error = %v, want error %v", tc.qname, tc.zone, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("TrimZone(%q, %q) = %q, want %q", tc.qname, tc.zone, got, tc.want)
		}
	}
}

func TestUnpackRequest(t *testing.T) {
	query := new(dns.Msg)
	query.SetQuestion("example.org.", dns.TypeA)
	queryWire, _ := query.Pack()

	reply := new(dns.Msg)
	reply.SetReply(query)
	replyWire, _ := reply.Pack()

	tests := []struct {
		name    string
		wire    []byte
		wantErr bool
	}{
		{"query", queryWire, false},
		{"response", replyWire, true},
		{"truncated", queryWire[:len(queryWire)-3], true},
		{"empty", nil, true},
		{"too large", make([]byte, dns.MaxMsgSize+1), true},
	}
	for _, tc := range tests {
		m, err := UnpackRequest(tc.wire)
		if (err != nil) != tc.wantErr {
			t.Errorf("%s: UnpackRequest() error = %v, want error %v", tc.name, err, tc.wantErr)
			continue
		}
		if err == nil && (m.Id != query.Id || len(m.Question) != 1 || m.Question[0] != query.Question[0]) {
			t.Errorf("%s: UnpackRequest() = %v, want %v", tc.name, m, query)
		}
	}
}
