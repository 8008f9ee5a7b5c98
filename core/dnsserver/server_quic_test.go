package dnsserver

import (
	"bytes"
	"testing"

	"github.com/miekg/dns"
)

func TestAddPrefix(t *testing.T) {
	got := AddPrefix([]byte{0xaa, 0xbb, 0xcc})
	if want := []byte{0, 3, 0xaa, 0xbb, 0xcc}; !bytes.Equal(got, want) {
		t.Errorf("got %x, want %x", got, want)
	}
	if got := AddPrefix(nil); !bytes.Equal(got, []byte{0, 0}) {
		t.Errorf("empty: got %x", got)
	}
}

func TestReadDoQ(t *testing.T) {
	tests := []struct {
		in      []byte
		want    []byte
		wantErr bool
	}{
		{[]byte{0, 2, 1, 2}, []byte{1, 2}, false},
		{[]byte{0, 2, 1, 2, 3}, []byte{1, 2}, false},
		{[]byte{0, 3, 1, 2}, nil, true},
		{[]byte{0, 0}, nil, true},
		{[]byte{0}, nil, true},
	}
	for _, tc := range tests {
		got, err := readDoQ(bytes.NewReader(tc.in))
		if (err != nil) != tc.wantErr || !bytes.Equal(got, tc.want) {
			t.Errorf("%x: got %x, %v", tc.in, got, err)
		}
	}
}

func TestValidDoQ(t *testing.T) {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.Id = 0
	if !validDoQ(m) {
		t.Error("ID 0 refused")
	}
	m.SetEdns0(1232, false)
	if !validDoQ(m) {
		t.Error("EDNS query refused")
	}
	m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_TCP_KEEPALIVE{Code: dns.EDNS0TCPKEEPALIVE})
	if validDoQ(m) {
		t.Error("edns-tcp-keepalive accepted")
	}
	m.Extra = nil
	m.Id = 1
	if validDoQ(m) {
		t.Error("non-zero ID accepted")
	}
}

func TestNewServerQUICNeedsTLS(t *testing.T) {
	cfg := handlerConfig(".", tagHandler("x"))
	if _, err := NewServerQUIC("quic://127.0.0.1:853", []*Config{cfg}); err == nil {
		t.Error("QUIC server without TLS made")
	}
	if _, err := NewServerHTTPS3("https3://127.0.0.1:443", []*Config{cfg}); err == nil {
		t.Error("HTTPS3 server without TLS made")
	}
}
