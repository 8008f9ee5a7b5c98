package reuseport

import (
	"net"
	"path/filepath"
	"runtime"
	"testing"
)

func TestListenTwice(t *testing.T) {
	tests := []struct {
		network string
	}{
		{"tcp"},
		{"tcp4"},
	}
	for _, tc := range tests {
		t.Run(tc.network, func(t *testing.T) {
			// A fixed port: port 0 deliberately skips SO_REUSEPORT.
			l0, err := net.Listen(tc.network, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l0.Addr().String()
			l0.Close()
			l1, err := Listen(tc.network, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer l1.Close()
			l2, err := Listen(tc.network, l1.Addr().String())
			if runtime.GOOS == "linux" && err != nil {
				t.Fatalf("second listener on %s: %v", l1.Addr(), err)
			}
			if err == nil {
				l2.Close()
			}
		})
	}
}

func TestListenPacketTwice(t *testing.T) {
	p0, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := p0.LocalAddr().String()
	p0.Close()
	p1, err := ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer p1.Close()
	p2, err := ListenPacket("udp", p1.LocalAddr().String())
	if runtime.GOOS == "linux" && err != nil {
		t.Fatalf("second packet listener on %s: %v", p1.LocalAddr(), err)
	}
	if err == nil {
		p2.Close()
	}
}

func TestListenUnix(t *testing.T) {
	// SO_REUSEPORT does not apply to Unix sockets; listening still works.
	path := filepath.Join(t.TempDir(), "dns.sock")
	l, err := Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func TestListenBadAddress(t *testing.T) {
	if l, err := Listen("tcp", "256.0.0.1:0"); err == nil {
		l.Close()
		t.Error("Listen on an invalid address succeeded")
	}
}

func TestEphemeralSkipsReuseport(t *testing.T) {
	p1, err := ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer p1.Close()
	if p2, err := ListenPacket("udp", p1.LocalAddr().String()); err == nil {
		p2.Close()
		t.Errorf("a port-0 socket accepted a second bind on %s", p1.LocalAddr())
	}
}
