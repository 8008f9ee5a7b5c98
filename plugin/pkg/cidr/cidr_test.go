package cidr

import (
	"net"
	"slices"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		cidr string
		want []string
	}{
		{"10.0.0.0/8", []string{"10.0.0.0/8"}},
		{"10.0.0.0/15", []string{"10.0.0.0/16", "10.1.0.0/16"}},
		{"10.2.0.0/15", []string{"10.2.0.0/16", "10.3.0.0/16"}},
		{"192.168.1.0/26", nil}, // 64 host routes, filled in below
		{"172.16.0.0/14", []string{"172.16.0.0/16", "172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16"}},
		{"10.240.0.0/12", nil}, // 16 networks, filled in below
		{"192.168.0.0/23", []string{"192.168.0.0/24", "192.168.1.0/24"}},
		{"1.2.3.4/32", []string{"1.2.3.4/32"}},
		{"0.0.0.0/0", []string{"0.0.0.0/0"}},
		{"10.0.0.0/7", []string{"10.0.0.0/8", "11.0.0.0/8"}},
		{"2001:db8::/32", []string{"2001:db8::/32"}},
		{"2001:db8::/31", []string{"2001:db8::/32", "2001:db9::/32"}},
		{"2001:db8::/30", []string{"2001:db8::/32", "2001:db9::/32", "2001:dba::/32", "2001:dbb::/32"}},
		{"2001:db8::/126", []string{"2001:db8::/128", "2001:db8::1/128", "2001:db8::2/128", "2001:db8::3/128"}},
	}
	// Fill in the cases that are tedious to write out.
	for i := range tests {
		switch tests[i].cidr {
		case "192.168.1.0/26":
			for h := range 64 {
				tests[i].want = append(tests[i].want, net.IPv4(192, 168, 1, byte(h)).String()+"/32")
			}
		case "10.240.0.0/12":
			for o := 240; o < 256; o++ {
				tests[i].want = append(tests[i].want, net.IPv4(10, byte(o), 0, 0).String()+"/16")
			}
		}
	}
	for _, tc := range tests {
		_, n, err := net.ParseCIDR(tc.cidr)
		if err != nil {
			t.Fatal(err)
		}
		if got := Split(n); !slices.Equal(got, tc.want) {
			t.Errorf("Split(%s) = %v, want %v", tc.cidr, got, tc.want)
		}
	}
}

func TestSplitNonCanonical(t *testing.T) {
	tests := []struct {
		n    *net.IPNet
		want []string
	}{
		// A host address with a network mask is masked first; the IPv4
		// address is in its 16 byte form.
		{&net.IPNet{IP: net.ParseIP("10.1.2.3"), Mask: net.CIDRMask(15, 32)}, []string{"10.0.0.0/16", "10.1.0.0/16"}},
		// An IPv6 address with an IPv4 mask cannot be split.
		{&net.IPNet{IP: net.ParseIP("2001:db8::1"), Mask: net.CIDRMask(15, 32)}, nil},
		// Nor can a non-canonical mask.
		{&net.IPNet{IP: net.ParseIP("10.0.0.0").To4(), Mask: net.IPMask{255, 0, 255, 0}}, nil},
	}
	for _, tc := range tests {
		if got := Split(tc.n); !slices.Equal(got, tc.want) {
			t.Errorf("Split(%v) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestReverse(t *testing.T) {
	tests := []struct {
		nets []string
		want []string
	}{
		{[]string{"10.0.0.0/8"}, []string{"10.in-addr.arpa."}},
		{[]string{"10.0.0.0/16", "10.1.0.0/16"}, []string{"0.10.in-addr.arpa.", "1.10.in-addr.arpa."}},
		{[]string{"192.168.1.0/24"}, []string{"1.168.192.in-addr.arpa."}},
		{[]string{"192.168.1.7/32"}, []string{"7.1.168.192.in-addr.arpa."}},
		{[]string{"0.0.0.0/0"}, []string{"in-addr.arpa."}},
		{[]string{"10.0.0.0/15"}, []string{"10.in-addr.arpa."}},
		{[]string{"10.0.0.0/23"}, []string{"0.10.in-addr.arpa."}},
		{[]string{"2001:db8::/32"}, []string{"8.b.d.0.1.0.0.2.ip6.arpa."}},
		{[]string{"2001:db8::/31"}, []string{"b.d.0.1.0.0.2.ip6.arpa."}},
		{[]string{"::/0"}, []string{"ip6.arpa."}},
		{[]string{"bogus", "10.0.0.0/8"}, []string{"10.in-addr.arpa."}},
		{nil, []string{}},
	}
	for _, tc := range tests {
		if got := Reverse(tc.nets); !slices.Equal(got, tc.want) {
			t.Errorf("Reverse(%v) = %v, want %v", tc.nets, got, tc.want)
		}
	}
}

func TestSplitReverse(t *testing.T) {
	_, n, _ := net.ParseCIDR("10.0.0.0/15")
	got := Reverse(Split(n))
	want := []string{"0.10.in-addr.arpa.", "1.10.in-addr.arpa."}
	if !slices.Equal(got, want) {
		t.Errorf("Reverse(Split(10.0.0.0/15)) = %v, want %v", got, want)
	}
}
