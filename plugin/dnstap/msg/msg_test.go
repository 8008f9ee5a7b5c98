package msg

import (
	"net"
	"testing"
	"time"

	tap "github.com/dnstap/golang-dnstap"
	"google.golang.org/protobuf/proto"
)

func family(f tap.SocketFamily) *tap.SocketFamily       { return &f }
func protocol(p tap.SocketProtocol) *tap.SocketProtocol { return &p }
func u32(v uint32) *uint32                              { return &v }
func u64(v uint64) *uint64                              { return &v }

func TestSetAddresses(t *testing.T) {
	tests := []struct {
		name      string
		query     net.Addr
		response  net.Addr
		want      *tap.Message
		wantError bool
	}{
		{
			name:     "udp4",
			query:    &net.UDPAddr{IP: net.ParseIP("10.240.0.1"), Port: 40212},
			response: &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 53},
			want: &tap.Message{
				SocketFamily:    family(tap.SocketFamily_INET),
				SocketProtocol:  protocol(tap.SocketProtocol_UDP),
				QueryAddress:    []byte{10, 240, 0, 1},
				QueryPort:       u32(40212),
				ResponseAddress: []byte{127, 0, 0, 1},
				ResponsePort:    u32(53),
			},
		},
		{
			name:     "tcp6",
			query:    &net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 5353},
			response: &net.TCPAddr{IP: net.ParseIP("::1"), Port: 53},
			want: &tap.Message{
				SocketFamily:    family(tap.SocketFamily_INET6),
				SocketProtocol:  protocol(tap.SocketProtocol_TCP),
				QueryAddress:    net.ParseIP("2001:db8::1"),
				QueryPort:       u32(5353),
				ResponseAddress: net.ParseIP("::1"),
				ResponsePort:    u32(53),
			},
		},
		{
			name:      "unix",
			query:     &net.UnixAddr{Name: "/tmp/x", Net: "unix"},
			response:  &net.UnixAddr{Name: "/tmp/y", Net: "unix"},
			want:      &tap.Message{},
			wantError: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := &tap.Message{}
			err1 := SetQueryAddress(m, tc.query)
			err2 := SetResponseAddress(m, tc.response)
			if gotErr := err1 != nil || err2 != nil; gotErr != tc.wantError {
				t.Fatalf("errors = %v, %v; want error %v", err1, err2, tc.wantError)
			}
			if !proto.Equal(m, tc.want) {
				t.Errorf("got %v, want %v", m, tc.want)
			}
		})
	}
}

func TestSetTimesAndType(t *testing.T) {
	q := time.Unix(1700000000, 123456789)
	r := q.Add(1500 * time.Microsecond)
	m := &tap.Message{}
	SetType(m, tap.Message_CLIENT_RESPONSE)
	SetQueryTime(m, q)
	SetResponseTime(m, r)
	want := &tap.Message{
		Type:             tap.Message_CLIENT_RESPONSE.Enum(),
		QueryTimeSec:     u64(1700000000),
		QueryTimeNsec:    u32(123456789),
		ResponseTimeSec:  u64(1700000000),
		ResponseTimeNsec: u32(124956789),
	}
	if !proto.Equal(m, want) {
		t.Errorf("got %v, want %v", m, want)
	}
}
