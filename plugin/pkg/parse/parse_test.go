package parse

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

func TestTransport(t *testing.T) {
	tests := []struct {
		in        string
		wantTrans string
		wantAddr  string
	}{
		{"1.2.3.4", transport.DNS, "1.2.3.4"},
		{"dns://1.2.3.4", transport.DNS, "1.2.3.4"},
		{"tls://1.2.3.4:853", transport.TLS, "1.2.3.4:853"},
		{"TLS://1.2.3.4", transport.TLS, "1.2.3.4"},
		{"grpc://[::1]:443", transport.GRPC, "[::1]:443"},
		{"https://1.2.3.4", transport.HTTPS, "1.2.3.4"},
		{"https3://1.2.3.4", transport.HTTPS3, "1.2.3.4"},
		{"quic://1.2.3.4", transport.QUIC, "1.2.3.4"},
		{"unix:///run/dns.sock", transport.UNIX, "/run/dns.sock"},
		{"tls://", transport.TLS, ""},
		{"ftp://1.2.3.4", transport.DNS, "ftp://1.2.3.4"},
		{"tls:/1.2.3.4", transport.DNS, "tls:/1.2.3.4"},
		{"", transport.DNS, ""},
	}
	for _, tc := range tests {
		trans, addr := Transport(tc.in)
		if trans != tc.wantTrans || addr != tc.wantAddr {
			t.Errorf("Transport(%q) = %q, %q; want %q, %q", tc.in, trans, addr, tc.wantTrans, tc.wantAddr)
		}
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct {
		in      string
		port    string
		want    string
		wantErr bool
	}{
		{"8.8.8.8", "53", "8.8.8.8:53", false},
		{"8.8.8.8:153", "53", "8.8.8.8:153", false},
		{"8.8.8.8:", "53", "8.8.8.8:53", false},
		{"::1", "53", "[::1]:53", false},
		{"[::1]", "53", "[::1]:53", false},
		{"[::1]:1053", "53", "[::1]:1053", false},
		{"fe80::1%eth0", "53", "[fe80::1%eth0]:53", false},
		{"[fe80::1%eth0]:54", "53", "[fe80::1%eth0]:54", false},
		{"10.0.0.1", "853", "10.0.0.1:853", false},
		{"example.org", "53", "", true},
		{"example.org:53", "53", "", true},
		{"8.8.8.8:dns", "53", "", true},
		{"8.8.8.8:70000", "53", "", true},
		{"8.8.8.8:0", "53", "", true},
		{"1.2.3.4%eth0", "53", "", true},
		{"", "53", "", true},
	}
	for _, tc := range tests {
		got, err := HostPort(tc.in, tc.port)
		if (err != nil) != tc.wantErr {
			t.Errorf("HostPort(%q, %q) error = %v, want error %v", tc.in, tc.port, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("HostPort(%q, %q) = %q, want %q", tc.in, tc.port, got, tc.want)
		}
	}
}

// errAny in a test table accepts any non-nil error.
var errAny = errors.New("any error")

func TestHostPortOrFile(t *testing.T) {
	dir := t.TempDir()
	resolv := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("# comment\nnameserver 10.10.255.252\nnameserver 10.10.255.253\nnameserver 2001:db8::53\nsearch example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.conf")
	if err := os.WriteFile(empty, []byte("search example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		in      []string
		want    []string
		wantErr error
	}{
		{[]string{"8.8.8.8"}, []string{"8.8.8.8:53"}, nil},
		{[]string{"8.8.8.8:153"}, []string{"8.8.8.8:153"}, nil},
		{[]string{"dns://8.8.8.8"}, []string{"8.8.8.8:53"}, nil},
		{[]string{"dns://8.8.8.8:54"}, []string{"8.8.8.8:54"}, nil},
		{[]string{"tls://8.8.8.8"}, []string{"tls://8.8.8.8:853"}, nil},
		{[]string{"tls://8.8.8.8:5353"}, []string{"tls://8.8.8.8:5353"}, nil},
		{[]string{"grpc://8.8.8.8"}, []string{"grpc://8.8.8.8:443"}, nil},
		{[]string{"https://8.8.8.8"}, []string{"https://8.8.8.8:443"}, nil},
		{[]string{"https3://8.8.8.8"}, []string{"https3://8.8.8.8:443"}, nil},
		{[]string{"quic://[::1]"}, []string{"quic://[::1]:853"}, nil},
		{[]string{"unix:///run/dns.sock"}, []string{"unix:///run/dns.sock"}, nil},
		{[]string{"::1", "1.1.1.1:5300"}, []string{"[::1]:53", "1.1.1.1:5300"}, nil},
		{[]string{resolv}, []string{"10.10.255.252:53", "10.10.255.253:53", "[2001:db8::53]:53"}, nil},
		{[]string{"1.1.1.1", resolv}, []string{"1.1.1.1:53", "10.10.255.252:53", "10.10.255.253:53", "[2001:db8::53]:53"}, nil},
		{[]string{empty}, []string{}, ErrNoNameservers},
		{nil, nil, ErrNoNameservers},
		{[]string{"example.org"}, nil, errAny},
		{[]string{filepath.Join(dir, "missing.conf")}, nil, errAny},
		{[]string{"tls://" + resolv}, nil, errAny},
		{[]string{"tls://"}, nil, errAny},
		{[]string{"8.8.8.8", "example.org"}, []string{"8.8.8.8:53"}, errAny},
	}
	for _, tc := range tests {
		got, err := HostPortOrFile(tc.in...)
		var errOK bool
		switch tc.wantErr {
		case nil:
			errOK = err == nil
		case errAny:
			errOK = err != nil
		default:
			errOK = errors.Is(err, tc.wantErr)
		}
		if !errOK {
			t.Errorf("HostPortOrFile(%q) error = %v, want %v", tc.in, err, tc.wantErr)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("HostPortOrFile(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTransferIn(t *testing.T) {
	tests := []struct {
		input   string
		want    []string
		wantErr bool
	}{
		{"transfer from 10.0.0.1", []string{"10.0.0.1:53"}, false},
		{"transfer from 10.0.0.1:5300 [::1] 10.0.0.2", []string{"10.0.0.1:5300", "[::1]:53", "10.0.0.2:53"}, false},
		{"transfer from", nil, true},
		{"transfer", nil, true},
		{"transfer to 10.0.0.1", nil, true},
		{"transfer from *", nil, true},
		{"transfer from example.org", nil, true},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		c.Next() // "transfer"
		got, err := TransferIn(c)
		if (err != nil) != tc.wantErr {
			t.Errorf("TransferIn(%q) error = %v, want error %v", tc.input, err, tc.wantErr)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("TransferIn(%q) = %q, want %q", tc.input, got, tc.want)
		}
	}
}
