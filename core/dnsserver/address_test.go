package dnsserver

import (
	"strings"
	"testing"
)

func TestNormalizeZone(t *testing.T) {
	tests := []struct {
		key  string
		want []string // zoneAddr.String() of each result
		err  string
	}{
		{".", []string{"dns://.:53"}, ""},
		{"example.org", []string{"dns://example.org.:53"}, ""},
		{"Example.ORG.:1053", []string{"dns://example.org.:1053"}, ""},
		{"dns://.:1053", []string{"dns://.:1053"}, ""},
		{"dns://example.org", []string{"dns://example.org.:53"}, ""},
		{"tls://example.org", []string{"tls://example.org.:853"}, ""},
		{"quic://example.org", []string{"quic://example.org.:853"}, ""},
		{"grpc://example.org", []string{"grpc://example.org.:443"}, ""},
		{"https://example.org", []string{"https://example.org.:443"}, ""},
		{"https3://example.org", []string{"https3://example.org.:443"}, ""},
		{"tls://.:5553", []string{"tls://.:5553"}, ""},
		{"10.0.0.0/8", []string{"dns://10.in-addr.arpa.:53"}, ""},
		{"10.0.0.0/8:1053", []string{"dns://10.in-addr.arpa.:1053"}, ""},
		{"10.0.0.0/15", []string{"dns://0.10.in-addr.arpa.:53", "dns://1.10.in-addr.arpa.:53"}, ""},
		{"fd00::/8", []string{"dns://d.f.ip6.arpa.:53"}, ""},
		{"fd00::/8:1053", []string{"dns://d.f.ip6.arpa.:1053"}, ""},
		{"unix://example.org", nil, `unsupported transport "unix"`},
		{"foo://example.org", nil, `"foo://example.org"`}, // unknown scheme: rejected, naming the key
		{"example.org:99999", nil, `invalid server block key "example.org:99999"`},
		{"example.org:abc", nil, `invalid port "abc"`},
		{"10.0.0.0/33", nil, `invalid CIDR "10.0.0.0/33"`},
	}
	for _, tc := range tests {
		zas, err := normalizeZone(tc.key)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("normalizeZone(%q) error = %v, want it to contain %q", tc.key, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("normalizeZone(%q) error = %v", tc.key, err)
			continue
		}
		var got []string
		for _, za := range zas {
			got = append(got, za.String())
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("normalizeZone(%q) = %v, want %v", tc.key, got, tc.want)
		}
	}
}

func TestNormalizeZoneDefaultPortFollowsFlag(t *testing.T) {
	old := Port
	defer func() { Port = old }()
	Port = "1053"
	zas, err := normalizeZone("example.org")
	if err != nil || len(zas) != 1 || zas[0].Port != "1053" {
		t.Errorf("normalizeZone with -dns.port 1053 = %v, %v; want port 1053", zas, err)
	}
	// Encrypted transports keep their own default.
	zas, err = normalizeZone("tls://example.org")
	if err != nil || len(zas) != 1 || zas[0].Port != "853" {
		t.Errorf("tls key with -dns.port 1053 = %v, %v; want port 853", zas, err)
	}
}

func TestSplitProtocolHostPort(t *testing.T) {
	tests := []struct {
		in              string
		proto, ip, port string
		err             bool
	}{
		{"dns://127.0.0.1:53", "dns", "127.0.0.1", "53", false},
		{"tls://[::1]:853", "tls", "::1", "853", false},
		{"127.0.0.1:1053", "", "127.0.0.1", "1053", false},
		{"dns://:53", "dns", "", "53", false},
		{"[fe80::1%eth0]:53", "", "fe80::1%eth0", "53", false},
		{"dns://127.0.0.1", "dns", "", "", true},
		{"127.0.0.1", "", "", "", true},
		{"::1:53", "", "", "", true},
	}
	for _, tc := range tests {
		proto, ip, port, err := SplitProtocolHostPort(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("SplitProtocolHostPort(%q) error = %v, want error %v", tc.in, err, tc.err)
			continue
		}
		if tc.err {
			continue
		}
		if proto != tc.proto || ip != tc.ip || port != tc.port {
			t.Errorf("SplitProtocolHostPort(%q) = %q, %q, %q; want %q, %q, %q", tc.in, proto, ip, port, tc.proto, tc.ip, tc.port)
		}
	}
}
