package msg

import (
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestHostType(t *testing.T) {
	tests := []struct {
		s    Service
		what uint16
		ip   net.IP
	}{
		{Service{Host: "10.0.0.1"}, dns.TypeA, net.IP{10, 0, 0, 1}},
		{Service{Host: "::ffff:10.0.0.1"}, dns.TypeA, net.IP{10, 0, 0, 1}},
		{Service{Host: "2001:db8::1"}, dns.TypeAAAA, net.ParseIP("2001:db8::1")},
		{Service{Host: "www.example.org"}, dns.TypeCNAME, nil},
		{Service{Host: ""}, dns.TypeCNAME, nil},
		{Service{Text: "hello"}, dns.TypeTXT, nil},
		{Service{Host: "10.0.0.1", Text: "hello"}, dns.TypeA, net.IP{10, 0, 0, 1}},
	}
	for _, tc := range tests {
		what, ip := tc.s.HostType()
		if what != tc.what || !ip.Equal(tc.ip) || len(ip) != len(tc.ip) {
			t.Errorf("HostType(%+v) = %d, %v; want %d, %v", tc.s, what, ip, tc.what, tc.ip)
		}
	}
}

func TestNewRecords(t *testing.T) {
	s := &Service{Host: "a.b.example.org", Port: 8080, Priority: 10, TTL: 30, Text: "txt", TargetStrip: 1}
	tests := []struct {
		got  dns.RR
		want string
	}{
		{s.NewSRV("_x._tcp.example.org.", 50), "_x._tcp.example.org.	30	IN	SRV	10 50 8080 b.example.org."},
		{s.NewMX("example.org."), "example.org.	30	IN	MX	10 b.example.org."},
		{s.NewNS("example.org."), "example.org.	30	IN	NS	b.example.org."},
		{s.NewA("a.example.org.", net.IP{192, 0, 2, 1}), "a.example.org.	30	IN	A	192.0.2.1"},
		{s.NewAAAA("a.example.org.", net.ParseIP("2001:db8::1")), "a.example.org.	30	IN	AAAA	2001:db8::1"},
		{s.NewCNAME("a.example.org.", "target.example.org"), "a.example.org.	30	IN	CNAME	target.example.org."},
		{s.NewPTR("1.2.0.192.in-addr.arpa.", "a.example.org"), "1.2.0.192.in-addr.arpa.	30	IN	PTR	a.example.org."},
		{s.NewTXT("a.example.org."), "a.example.org.	30	IN	TXT	\"txt\""},
	}
	for _, tc := range tests {
		if got := tc.got.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestTargetStrip(t *testing.T) {
	tests := []struct {
		host  string
		strip int
		want  string
	}{
		{"a.b.example.org", 0, "a.b.example.org."},
		{"a.b.example.org", 2, "example.org."},
		{"a.b.example.org.", 3, "org."},
		{"a.b.example.org", 4, "a.b.example.org."}, // overshoot: keep the name
		{"a.b.example.org", 9, "a.b.example.org."},
	}
	for _, tc := range tests {
		s := Service{Host: tc.host, TargetStrip: tc.strip}
		if got := s.NewSRV("x.", 1).Target; got != tc.want {
			t.Errorf("strip %d of %q = %q, want %q", tc.strip, tc.host, got, tc.want)
		}
	}
}

func TestChunk255(t *testing.T) {
	a255 := strings.Repeat("a", 255)
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{"abc", []string{"abc"}},
		{a255[:254], []string{a255[:254]}},
		{a255, []string{a255, ""}},
		{a255 + "b", []string{a255, "b"}},
		{a255 + a255 + "c", []string{a255, a255, "c"}},
	}
	for _, tc := range tests {
		if got := chunk255(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("chunk255(len %d) gave %d parts, want %d", len(tc.in), len(got), len(tc.want))
		}
	}
}

func TestGroup(t *testing.T) {
	tests := []struct {
		name string
		in   []Service
		want []Service
	}{
		{"empty", nil, nil},
		{
			"no groups",
			[]Service{{Host: "a", Key: "/s/org/a"}, {Host: "b", Key: "/s/org/b"}},
			[]Service{{Host: "a", Key: "/s/org/a"}, {Host: "b", Key: "/s/org/b"}},
		},
		{
			"shortest key sets the group",
			[]Service{
				{Host: "a", Key: "/s/org/x/a", Group: "g2"},
				{Host: "b", Key: "/s/org/x", Group: "g1"},
				{Host: "c", Key: "/s/org/x/c", Group: "g1"},
				{Host: "d", Key: "/s/org/x/d"},
			},
			[]Service{
				{Host: "b", Key: "/s/org/x", Group: "g1"},
				{Host: "c", Key: "/s/org/x/c", Group: "g1"},
				{Host: "d", Key: "/s/org/x/d"},
			},
		},
		{
			"disagreement at the top: no grouping",
			[]Service{
				{Host: "a", Key: "/s/org/a", Group: "g1"},
				{Host: "b", Key: "/s/org/b", Group: "g2"},
			},
			[]Service{
				{Host: "a", Key: "/s/org/a", Group: "g1"},
				{Host: "b", Key: "/s/org/b", Group: "g2"},
			},
		},
	}
	for _, tc := range tests {
		got := Group(tc.in)
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
