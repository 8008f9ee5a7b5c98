package proxyproto

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"

	proxyproto "github.com/pires/go-proxyproto"
)

func TestSetup(t *testing.T) {
	type verdict struct {
		ip   string
		want proxyproto.Policy
	}
	tests := []struct {
		input    string
		ttl      time.Duration
		max      int
		verdicts []verdict
		err      string // substring of the expected error; "" for none
	}{
		{"proxyproto", 0, 0, []verdict{{"10.0.0.1", proxyproto.USE}, {"2001:db8::1", proxyproto.USE}}, ""},
		{"proxyproto {\n}", 0, 0, []verdict{{"10.0.0.1", proxyproto.USE}}, ""},
		{"proxyproto {\nallow 192.168.1.1/32 192.168.0.0/24\n}", 0, 0,
			[]verdict{{"192.168.1.1", proxyproto.USE}, {"192.168.0.77", proxyproto.USE}, {"192.168.1.2", proxyproto.IGNORE}}, ""},
		{"proxyproto {\nallow 10.0.0.0/8\nallow 2001:db8::/32\ndefault reject\n}", 0, 0,
			[]verdict{{"10.1.2.3", proxyproto.USE}, {"2001:db8::5", proxyproto.USE}, {"::ffff:10.9.9.9", proxyproto.USE}, {"172.16.0.1", proxyproto.REJECT}}, ""},
		{"proxyproto {\nallow 127.0.0.1\ndefault skip\n}", 0, 0,
			[]verdict{{"127.0.0.1", proxyproto.USE}, {"127.0.0.2", proxyproto.SKIP}}, ""},
		{"proxyproto {\nallow ::ffff:10.0.0.0/104\ndefault use\n}", 0, 0,
			[]verdict{{"10.0.0.1", proxyproto.USE}, {"11.0.0.1", proxyproto.USE}}, ""},
		{"proxyproto {\nallow 10.0.0.0/8\ndefault ignore\n}", 0, 0, []verdict{{"11.0.0.1", proxyproto.IGNORE}}, ""},
		{"proxyproto {\nudp_session_tracking 28s\n}", 28 * time.Second, 0, nil, ""},
		{"proxyproto {\nudp_session_tracking 1m 500\n}", time.Minute, 500, nil, ""},

		{"proxyproto 10.0.0.0/8", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\nallow\n}", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\nallow 10.0.0.0/33\n}", 0, 0, nil, "invalid CIDR"},
		{"proxyproto {\nallow example.org\n}", 0, 0, nil, "invalid CIDR"},
		{"proxyproto {\ndefault\n}", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\ndefault use ignore\n}", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\ndefault require\n}", 0, 0, nil, "unknown default policy"},
		{"proxyproto {\nudp_session_tracking\n}", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\nudp_session_tracking 1s 2 3\n}", 0, 0, nil, "Wrong argument count"},
		{"proxyproto {\nudp_session_tracking soon\n}", 0, 0, nil, "invalid udp_session_tracking duration"},
		{"proxyproto {\nudp_session_tracking 0s\n}", 0, 0, nil, "must be positive"},
		{"proxyproto {\nudp_session_tracking -5s\n}", 0, 0, nil, "must be positive"},
		{"proxyproto {\nudp_session_tracking 5s 0\n}", 0, 0, nil, "max_sessions must be a positive integer"},
		{"proxyproto {\nudp_session_tracking 5s many\n}", 0, 0, nil, "max_sessions must be a positive integer"},
		{"proxyproto {\nallowed 10.0.0.0/8\n}", 0, 0, nil, "unknown property"},
		{"proxyproto\nproxyproto", 0, 0, nil, "only be specified once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "plugin/proxyproto") {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		cfg := dnsserver.GetConfig(c)
		if cfg.ProxyProtoConnPolicy == nil {
			t.Errorf("%q: no connection policy set", tc.input)
			continue
		}
		if cfg.ProxyProtoUDPSessionTrackingTTL != tc.ttl || cfg.ProxyProtoUDPSessionTrackingMaxSessions != tc.max {
			t.Errorf("%q: session tracking %v/%d, want %v/%d", tc.input,
				cfg.ProxyProtoUDPSessionTrackingTTL, cfg.ProxyProtoUDPSessionTrackingMaxSessions, tc.ttl, tc.max)
		}
		for _, v := range tc.verdicts {
			for _, up := range []net.Addr{
				&net.UDPAddr{IP: net.ParseIP(v.ip), Port: 1000},
				&net.TCPAddr{IP: net.ParseIP(v.ip), Port: 1000},
			} {
				got, err := cfg.ProxyProtoConnPolicy(proxyproto.ConnPolicyOptions{Upstream: up})
				if err != nil || got != v.want {
					t.Errorf("%q: policy for %s = %v, %v; want %v", tc.input, up, got, err, v.want)
				}
			}
		}
	}
}

func TestPolicyOddUpstream(t *testing.T) {
	p, err := parsePrefix("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config{allow: []netip.Prefix{p}, def: proxyproto.REJECT}
	pol := cfg.policy()
	for _, up := range []net.Addr{nil, &net.UnixAddr{Name: "/sock", Net: "unix"}} {
		if got, err := pol(proxyproto.ConnPolicyOptions{Upstream: up}); err != nil || got != proxyproto.REJECT {
			t.Errorf("policy for %v = %v, %v; want the default", up, got, err)
		}
	}
	if got, _ := pol(proxyproto.ConnPolicyOptions{Upstream: stringAddr("10.1.1.1:53")}); got != proxyproto.USE {
		t.Errorf("policy for a string address = %v, want USE", got)
	}
}

type stringAddr string

func (s stringAddr) Network() string { return "udp" }
func (s stringAddr) String() string  { return string(s) }
