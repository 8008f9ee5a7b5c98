package test

import (
	"net"
	"testing"

	"github.com/miekg/dns"
)

func TestResponseWriter(t *testing.T) {
	tests := []struct {
		name          string
		w             dns.ResponseWriter
		local, remote string
		tcp           bool
		zone          string
	}{
		{"udp default", &ResponseWriter{}, "127.0.0.1:53", "10.240.0.1:40212", false, ""},
		{"tcp default", &ResponseWriter{TCP: true}, "127.0.0.1:53", "10.240.0.1:40212", true, ""},
		{"remote ip", &ResponseWriter{RemoteIP: "192.0.2.7"}, "127.0.0.1:53", "192.0.2.7:40212", false, ""},
		{"remote v6 zone", &ResponseWriter{RemoteIP: "fe80::1", Zone: "eth0"}, "127.0.0.1:53", "[fe80::1%eth0]:40212", false, "eth0"},
		{"v6 udp", &ResponseWriter6{}, "[::1]:53", "[fe80::42:ff:feca:4c65]:40212", false, ""},
		{"v6 tcp", &ResponseWriter6{ResponseWriter{TCP: true}}, "[::1]:53", "[fe80::42:ff:feca:4c65]:40212", true, ""},
		{"v6 zone", &ResponseWriter6{ResponseWriter{Zone: "eth0"}}, "[::1]:53", "[fe80::42:ff:feca:4c65%eth0]:40212", false, "eth0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local, remote := tt.w.LocalAddr(), tt.w.RemoteAddr()
			if local.String() != tt.local || remote.String() != tt.remote {
				t.Errorf("local %s remote %s; want %s and %s", local, remote, tt.local, tt.remote)
			}
			wantNet := "udp"
			if tt.tcp {
				wantNet = "tcp"
			}
			if local.Network() != wantNet || remote.Network() != wantNet {
				t.Errorf("networks %s/%s, want %s", local.Network(), remote.Network(), wantNet)
			}
			switch a := remote.(type) {
			case *net.TCPAddr:
				if a.Zone != tt.zone {
					t.Errorf("zone %q, want %q", a.Zone, tt.zone)
				}
			case *net.UDPAddr:
				if a.Zone != tt.zone {
					t.Errorf("zone %q, want %q", a.Zone, tt.zone)
				}
			}
			if n, ok := tt.w.(interface{ Network() string }); !ok || n.Network() != wantNet {
				t.Errorf("Network() wrong")
			}
			if err := tt.w.WriteMsg(new(dns.Msg)); err != nil {
				t.Error(err)
			}
			if n, err := tt.w.Write([]byte{1, 2, 3}); n != 3 || err != nil {
				t.Errorf("Write = %d, %v", n, err)
			}
			if tt.w.Close() != nil || tt.w.TsigStatus() != nil {
				t.Error("Close or TsigStatus returned an error")
			}
			tt.w.TsigTimersOnly(true)
			tt.w.Hijack()
		})
	}
}
