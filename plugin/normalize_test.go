package plugin

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestZonesMatches(t *testing.T) {
	z := Zones{"example.org.", "a.example.org.", "example.net.", "10.in-addr.arpa."}
	tests := []struct {
		qname string
		want  string
	}{
		{"example.org.", "example.org."},
		{"www.example.org.", "example.org."},
		{"a.example.org.", "a.example.org."},
		{"b.a.example.org.", "a.example.org."},
		{"xa.example.org.", "example.org."}, // label boundary, not a suffix
		{"xexample.org.", ""},               // same suffix, other name
		{"org.", ""},                        // parent of a zone
		{"example.com.", ""},                // unrelated
		{"1.2.3.10.in-addr.arpa.", "10.in-addr.arpa."},
		{"110.in-addr.arpa.", ""},
		{"WWW.Example.ORG.", "example.org."}, // the comparison ignores case
		{".", ""},
	}
	for _, tc := range tests {
		if got := z.Matches(tc.qname); got != tc.want {
			t.Errorf("Matches(%q) = %q, want %q", tc.qname, got, tc.want)
		}
	}

	root := Zones{".", "example.org."}
	for qname, want := range map[string]string{
		"www.example.org.": "example.org.",
		"example.net.":     ".",
		".":                ".",
	} {
		if got := root.Matches(qname); got != want {
			t.Errorf("with root: Matches(%q) = %q, want %q", qname, got, want)
		}
	}

	if got := (Zones{}).Matches("example.org."); got != "" {
		t.Errorf("empty Zones matched %q", got)
	}
}

func TestZonesMatchesOrderIndependent(t *testing.T) {
	a := Zones{"a.example.org.", "example.org."}
	b := Zones{"example.org.", "a.example.org."}
	for _, q := range []string{"x.a.example.org.", "x.example.org."} {
		if a.Matches(q) != b.Matches(q) {
			t.Errorf("Matches(%q) depends on order: %q vs %q", q, a.Matches(q), b.Matches(q))
		}
	}
}

func TestZonesNormalize(t *testing.T) {
	z := Zones{"Example.ORG", "example.net.", "."}
	z.Normalize()
	want := Zones{"example.org.", "example.net.", "."}
	if !slices.Equal(z, want) {
		t.Errorf("Normalize() = %v, want %v", z, want)
	}
}

func TestNameMatches(t *testing.T) {
	tests := []struct {
		zone, child string
		want        bool
	}{
		{"example.org.", "example.org.", true},
		{"example.org.", "www.example.org.", true},
		{"example.org.", "WWW.EXAMPLE.ORG.", true},
		{"example.org.", "xexample.org.", false},
		{"example.org.", "org.", false},
		{".", "anything.example.", true},
		{"Example.Org.", "example.org.", true},
	}
	for _, tc := range tests {
		if got := Name(tc.zone).Matches(tc.child); got != tc.want {
			t.Errorf("Name(%q).Matches(%q) = %v, want %v", tc.zone, tc.child, got, tc.want)
		}
	}
}

func TestNameNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"example.org":  "example.org.",
		"Example.ORG.": "example.org.",
		".":            ".",
		"":             ".",
	} {
		if got := Name(in).Normalize(); got != want {
			t.Errorf("Name(%q).Normalize() = %q, want %q", in, got, want)
		}
	}
}

// reverseRange formats n consecutive numbers from "from" into reverse zones.
func reverseRange(format string, from, n int) []string {
	out := make([]string, 0, n)
	for i := from; i < from+n; i++ {
		out = append(out, fmt.Sprintf(format, i))
	}
	return out
}

func TestHostNormalizeExact(t *testing.T) {
	tests := []struct {
		host string
		want []string
	}{
		{".", []string{"."}},
		{"example.org", []string{"example.org."}},
		{"Example.ORG.", []string{"example.org."}},
		{"example.org:53", []string{"example.org."}},
		{"example.org:", []string{"example.org."}},
		{":1053", []string{"."}},
		{".:1053", []string{"."}},
		{"dns://example.org", []string{"example.org."}},
		{"dns://.:1053", []string{"."}},
		{"tls://example.org:853", []string{"example.org."}},
		{"quic://example.org", []string{"example.org."}},
		{"grpc://example.org:443", []string{"example.org."}},
		{"https://example.org", []string{"example.org."}},
		{"https3://example.org", []string{"example.org."}},
		{"10.0.0.0/8", []string{"10.in-addr.arpa."}},
		{"10.0.0.0/8:53", []string{"10.in-addr.arpa."}},
		{"dns://10.0.0.0/8:1053", []string{"10.in-addr.arpa."}},
		{"10.0.0.0/15", []string{"0.10.in-addr.arpa.", "1.10.in-addr.arpa."}},
		{"10.0.0.0/16", []string{"0.10.in-addr.arpa."}},
		{"10.99.0.0/24", []string{"0.99.10.in-addr.arpa."}},
		{"10.99.16.0/20", reverseRange("%d.99.10.in-addr.arpa.", 16, 16)},
		{"10.99.1.0/28", reverseRange("%d.1.99.10.in-addr.arpa.", 0, 16)},
		{"10.99.1.7/32", []string{"7.1.99.10.in-addr.arpa."}},
		{"10.99.1.7/24", []string{"1.99.10.in-addr.arpa."}}, // host bits are masked
		{"fd00::/8", []string{"d.f.ip6.arpa."}},
		{"fd00::/8:1053", []string{"d.f.ip6.arpa."}},
		{"2001:db8:99::/48", []string{"9.9.0.0.8.b.d.0.1.0.0.2.ip6.arpa."}},
		{"2001:db8::/31", []string{"8.b.d.0.1.0.0.2.ip6.arpa.", "9.b.d.0.1.0.0.2.ip6.arpa."}},
		// Invalid keys give nothing.
		{"10.0.0.0/33", nil},
		{"10.0.0.0/x", nil},
		{"example.org:99999", nil},
		{"example.org:abc", nil},
		{"10.0.0.0/8:99999", nil},
		{"", nil},
	}
	for _, tc := range tests {
		got := Host(tc.host).NormalizeExact()
		if !slices.Equal(got, tc.want) {
			t.Errorf("Host(%q).NormalizeExact() = %v, want %v", tc.host, got, tc.want)
		}
	}
}

func TestHostNormalize(t *testing.T) {
	tests := []struct {
		host string
		want string
		err  bool
	}{
		{"example.org:53", "example.org.", false},
		{"dns://Example.ORG", "example.org.", false},
		{"10.0.0.0/8", "10.in-addr.arpa.", false},
		{"10.0.0.0/15", "0.10.in-addr.arpa.", false},
		{"10.0.0.0/33", "", true},
		{"example.org:70000", "", true},
	}
	for _, tc := range tests {
		if got := Host(tc.host).Normalize(); got != tc.want {
			t.Errorf("Host(%q).Normalize() = %q, want %q", tc.host, got, tc.want)
		}
		got, err := Host(tc.host).MustNormalize()
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("Host(%q).MustNormalize() = %q, %v; want %q, error %v", tc.host, got, err, tc.want, tc.err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.host) {
			t.Errorf("MustNormalize error %q does not name %q", err, tc.host)
		}
	}
}

func TestSplitHostPort(t *testing.T) {
	tests := []struct {
		in    string
		hosts []string
		port  string
		err   string
	}{
		{"example.org", []string{"example.org"}, "", ""},
		{"example.org:53", []string{"example.org"}, "53", ""},
		{"example.org:", []string{"example.org"}, "", ""},
		{".:1053", []string{"."}, "1053", ""},
		{":1053", []string{"."}, "1053", ""},
		{"10.0.0.0/8:1053", []string{"10.in-addr.arpa."}, "1053", ""},
		{"fd00::/8", []string{"d.f.ip6.arpa."}, "", ""},
		{"", nil, "", "empty zone"},
		{"example.org:65536", nil, "", `invalid port "65536"`},
		{"example.org:-1", nil, "", `invalid port "-1"`},
		{"10.0.0.0/8:x", nil, "", `invalid port "x"`},
		{"10.0.0.0/33", nil, "", `invalid CIDR "10.0.0.0/33"`},
		{"300.0.0.0/8", nil, "", `invalid CIDR "300.0.0.0/8"`},
	}
	for _, tc := range tests {
		hosts, port, err := SplitHostPort(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SplitHostPort(%q) error = %v, want it to contain %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("SplitHostPort(%q) error = %v", tc.in, err)
			continue
		}
		if !slices.Equal(hosts, tc.hosts) || port != tc.port {
			t.Errorf("SplitHostPort(%q) = %v, %q; want %v, %q", tc.in, hosts, port, tc.hosts, tc.port)
		}
	}
}

func TestOriginsFromArgsOrServerBlock(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		block []string
		want  []string
	}{
		{"block keys", nil, []string{"dns://example.org.:53", "example.net:1053"}, []string{"example.org.", "example.net."}},
		{"cidr block key", nil, []string{"10.0.0.0/15:53"}, []string{"0.10.in-addr.arpa.", "1.10.in-addr.arpa."}},
		{"args win", []string{"Sub.Example.ORG"}, []string{"example.org.:53"}, []string{"sub.example.org."}},
		{"cidr arg", []string{"10.0.0.0/8", "example.org"}, []string{"."}, []string{"10.in-addr.arpa.", "example.org."}},
		{"empty args and block", []string{}, nil, []string{}},
	}
	for _, tc := range tests {
		got := OriginsFromArgsOrServerBlock(tc.args, tc.block)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
