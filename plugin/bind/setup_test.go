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
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: got error %v, want one containing %q", tc.input, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if got := dnsserver.GetConfig(c).ListenHosts; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: ListenHosts %v, want %v", tc.input, got, tc.want)
		}
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
