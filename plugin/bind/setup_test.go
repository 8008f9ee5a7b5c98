package bind

import (
	"errors"
	"net"
	"reflect"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func TestSetup(t *testing.T) {
	tests := []struct {
		input   string
		want    []string
		wantErr string
	}{
		{"bind 127.0.0.1", []string{"127.0.0.1"}, ""},
		{"bind 127.0.0.1 ::1", []string{"127.0.0.1", "::1"}, ""},
		{"bind 127.0.0.1 127.0.0.1", []string{"127.0.0.1"}, ""},
		{"bind 127.0.0.1\nbind ::1", []string{"127.0.0.1", "::1"}, ""},
		{"bind lo", []string{"127.0.0.1", "::1"}, ""},
		{"bind lo {\nexcept ::1\n}", []string{"127.0.0.1"}, ""},
		{"bind 127.0.0.1 {\nexcept 127.0.0.1\n}", nil, "no address left"},
		{"bind", nil, "Wrong argument count"},
		{"bind not-an-interface", nil, "not a valid IP address or interface name"},
		{"bind 127.0.0.1 {\nexcept\n}", nil, "Wrong argument count"},
		{"bind 127.0.0.1 {\nfoo 1\n}", nil, "unknown property"},
	}
	old := listInterfaces
	defer func() { listInterfaces = old }()
	listInterfaces = func() ([]net.Interface, error) { return nil, nil }

	for _, tc := range tests {
		if strings.Contains(tc.input, "lo") && !strings.Contains(tc.input, "not-an") {
			listInterfaces = net.Interfaces
			if !hasLoopbackBoth() {
				listInterfaces = func() ([]net.Interface, error) { return nil, nil }
				continue
			}
		} else {
			listInterfaces = func() ([]net.Interface, error) { return nil, nil }
		}
		checkSetup(t, tc.input, tc.want, tc.wantErr)
	}
}

// hasLoopbackBoth reports whether "lo" has exactly 127.0.0.1 and ::1.
func hasLoopbackBoth() bool {
	ifc, err := net.InterfaceByName("lo")
	if err != nil {
		return false
	}
	addrs, err := ifc.Addrs()
	if err != nil || len(addrs) != 2 {
		return false
	}
	return true
}

func TestInterfaceError(t *testing.T) {
	old := listInterfaces
	defer func() { listInterfaces = old }()
	listInterfaces = func() ([]net.Interface, error) { return nil, errors.New("boom") }
	c := caddy.NewTestController("dns", "bind 127.0.0.1")
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("got %v, want the interface listing error", err)
	}
}

func TestInterfaceAddresses(t *testing.T) {
	oldList, oldAddrs := listInterfaces, interfaceAddrList
	defer func() { listInterfaces, interfaceAddrList = oldList, oldAddrs }()
	listInterfaces = func() ([]net.Interface, error) {
		return []net.Interface{{Index: 9, Name: "eth9"}, {Index: 10, Name: "eth10"}}, nil
	}
	cidr := func(s string) *net.IPNet {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	interfaceAddrList = func(iface net.Interface) ([]net.Addr, error) {
		if iface.Name == "eth10" {
			return []net.Addr{cidr("fe80::2/64")}, nil
		}
		return []net.Addr{
			cidr("192.0.2.1/24"),
			cidr("169.254.7.7/16"),
			cidr("fe80::1/64"),
			cidr("2001:db8::1/64"),
		}, nil
	}

	tests := []struct {
		input   string
		want    []string
		wantErr string
	}{
		// IPv6 link-local addresses of an interface are skipped; IPv4
		// link-local ones are kept.
		{"bind eth9", []string{"192.0.2.1", "169.254.7.7", "2001:db8::1"}, ""},
		{"bind eth9 {\nexcept 2001:db8::1 169.254.7.7\n}", []string{"192.0.2.1"}, ""},
		// A link-local address given literally is bound.
		{"bind fe80::1", []string{"fe80::1"}, ""},
		// except applies to its own line only.
		{"bind eth9 {\nexcept eth9\n}\nbind 127.0.0.1", []string{"127.0.0.1"}, ""},
		// An interface with nothing but a link-local address leaves nothing.
		{"bind eth10", nil, "no address left"},
	}
	for _, tc := range tests {
		checkSetup(t, tc.input, tc.want, tc.wantErr)
	}
}

// checkSetup runs setup on input and checks the error against wantErr (a
// substring, or "" for none) and the resulting ListenHosts against want.
func checkSetup(t *testing.T, input string, want []string, wantErr string) {
	t.Helper()
	c := caddy.NewTestController("dns", input)
	err := setup(c)
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: got error %v, want one containing %q", input, err, wantErr)
		}
		return
	}
	if err != nil {
		t.Errorf("%q: unexpected error %v", input, err)
		return
	}
	if got := dnsserver.GetConfig(c).ListenHosts; !reflect.DeepEqual(got, want) {
		t.Errorf("%q: ListenHosts %v, want %v", input, got, want)
	}
}
