package proxyproto

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"

	proxyproto "github.com/pires/go-proxyproto"
)

// fakeConn hands out queued datagrams and records writes.
type fakeConn struct {
	in    []datagram
	out   []datagram
	local net.Addr
}

type datagram struct {
	b    []byte
	addr net.Addr
}

func (f *fakeConn) ReadFrom(p []byte) (int, net.Addr, error) {
	if len(f.in) == 0 {
		return 0, nil, os.ErrDeadlineExceeded
	}
	d := f.in[0]
	f.in = f.in[1:]
	return copy(p, d.b), d.addr, nil
}

func (f *fakeConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	f.out = append(f.out, datagram{append([]byte(nil), p...), addr})
	return len(p), nil
}

func (f *fakeConn) Close() error                       { return nil }
func (f *fakeConn) LocalAddr() net.Addr                { return f.local }
func (f *fakeConn) SetDeadline(t time.Time) error      { return nil }
func (f *fakeConn) SetReadDeadline(t time.Time) error  { return nil }
func (f *fakeConn) SetWriteDeadline(t time.Time) error { return nil }

var (
	lb     = &net.UDPAddr{IP: net.ParseIP("10.0.0.1"), Port: 4000}
	lb2    = &net.UDPAddr{IP: net.ParseIP("10.0.0.2"), Port: 4000}
	client = &net.UDPAddr{IP: net.ParseIP("192.0.2.7").To4(), Port: 5353}
	server = &net.UDPAddr{IP: net.ParseIP("198.51.100.1").To4(), Port: 53}
	query  = []byte("0123456789ABCDEF-dns-query")
)

func v2(t *testing.T, src, dst net.Addr, payload []byte) []byte {
	t.Helper()
	h := proxyproto.HeaderProxyFromAddrs(2, src, dst)
	b, err := h.FormatUDPDatagram(payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func v1(payload []byte) []byte {
	return append([]byte("PROXY TCP4 192.0.2.7 198.51.100.1 5353 53\r\n"), payload...)
}

func local(t *testing.T, payload []byte) []byte {
	t.Helper()
	h := &proxyproto.Header{Version: 2, Command: proxyproto.LOCAL, TransportProtocol: proxyproto.UNSPEC}
	b, err := h.FormatUDPDatagram(payload)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func policy(p proxyproto.Policy) proxyproto.ConnPolicyFunc {
	return func(proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) { return p, nil }
}

func TestReadFrom(t *testing.T) {
	tcpClient := &net.TCPAddr{IP: client.IP, Port: client.Port}
	tests := []struct {
		name     string
		policy   proxyproto.ConnPolicyFunc
		validate proxyproto.Validator
		in       []datagram
		want     []byte // nil: every datagram dropped
		from     string
	}{
		{"no header", nil, nil, []datagram{{query, lb}}, query, "10.0.0.1:4000"},
		{"v2 header", nil, nil, []datagram{{v2(t, client, server, query), lb}}, query, "192.0.2.7:5353"},
		{"v1 header", nil, nil, []datagram{{v1(query), lb}}, query, "192.0.2.7:5353"},
		{"tcp transport in datagram", nil, nil, []datagram{{v2(t, tcpClient, &net.TCPAddr{IP: server.IP, Port: 53}, query), lb}}, query, "192.0.2.7:5353"},
		{"local command", nil, nil, []datagram{{local(t, query), lb}}, query, "10.0.0.1:4000"},
		{"ignore", policy(proxyproto.IGNORE), nil, []datagram{{v2(t, client, server, query), lb}}, query, "10.0.0.1:4000"},
		{"ignore without header", policy(proxyproto.IGNORE), nil, []datagram{{query, lb}}, query, "10.0.0.1:4000"},
		{"skip keeps header", policy(proxyproto.SKIP), nil, []datagram{{v1(query), lb}}, v1(query), "10.0.0.1:4000"},
		{"reject with header", policy(proxyproto.REJECT), nil, []datagram{{v2(t, client, server, query), lb}}, nil, ""},
		{"reject without header", policy(proxyproto.REJECT), nil, []datagram{{query, lb}}, query, "10.0.0.1:4000"},
		{"require without header", policy(proxyproto.REQUIRE), nil, []datagram{{query, lb}}, nil, ""},
		{"policy error", func(proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) { return proxyproto.USE, errors.New("no") },
			nil, []datagram{{query, lb}}, nil, ""},
		{"validator refuses", nil, func(*proxyproto.Header) error { return errors.New("bad") },
			[]datagram{{v2(t, client, server, query), lb}}, nil, ""},
		{"malformed header", nil, nil, []datagram{{append(append([]byte(nil), proxyproto.SIGV2...), 0x21, 0x13, 0, 0), lb}}, nil, ""},
		{"truncated v1", nil, nil, []datagram{{[]byte("PROXY TCP4 1.2.3.4"), lb}}, nil, ""},
		{"header only is dropped", nil, nil, []datagram{{v2(t, client, server, nil), lb}}, nil, ""},
		{"dropped then next", nil, nil, []datagram{{v2(t, client, server, nil), lb}, {v1(query), lb2}}, query, "192.0.2.7:5353"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeConn{in: tc.in, local: server}
			pc := &PacketConn{PacketConn: fc, ConnPolicy: tc.policy, ValidateHeader: tc.validate}
			buf := make([]byte, 512)
			n, from, err := pc.ReadFrom(buf)
			if tc.want == nil {
				if !errors.Is(err, os.ErrDeadlineExceeded) {
					t.Fatalf("got %q from %v, err %v; want everything dropped", buf[:n], from, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(buf[:n]) != string(tc.want) || from.String() != tc.from || from.Network() != "udp" {
				t.Errorf("got %q from %s/%s, want %q from %s", buf[:n], from.Network(), from, tc.want, tc.from)
			}
		})
	}
}

func TestWriteToProxy(t *testing.T) {
	fc := &fakeConn{in: []datagram{{v2(t, client, server, query), lb}}, local: server}
	pc := &PacketConn{PacketConn: fc}
	buf := make([]byte, 512)
	_, from, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := from.(*Addr); !ok {
		t.Fatalf("address is %T, want *Addr", from)
	}
	if _, err := pc.WriteTo([]byte("reply"), from); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.WriteTo([]byte("plain"), lb2); err != nil {
		t.Fatal(err)
	}
	if len(fc.out) != 2 || fc.out[0].addr != lb || string(fc.out[0].b) != "reply" || fc.out[1].addr != lb2 {
		t.Errorf("writes: %v", fc.out)
	}
}

func TestLargeQueryAfterHeader(t *testing.T) {
	big := make([]byte, 4000)
	for i := range big {
		big[i] = byte(i)
	}
	fc := &fakeConn{in: []datagram{{v2(t, client, server, big), lb}}, local: server}
	pc := &PacketConn{PacketConn: fc}
	buf := make([]byte, 4096)
	n, _, err := pc.ReadFrom(buf)
	if err != nil || n != len(big) || string(buf[:n]) != string(big) {
		t.Fatalf("read %d bytes, err %v; want the %d byte payload", n, err, len(big))
	}
}

func TestSessionTracking(t *testing.T) {
	client2 := &net.UDPAddr{IP: net.ParseIP("2001:db8::9"), Port: 7}
	fc := &fakeConn{local: server, in: []datagram{
		{v2(t, client, server, nil), lb},     // opens a session for lb
		{query, lb},                          // uses it
		{query, lb2},                         // no session
		{v2(t, client2, server, query), lb2}, // header with payload: used, not remembered
		{query, lb2},                         // still no session
		{v2(t, client2, server, nil), lb},    // replaces lb's session
		{query, &net.UDPAddr{IP: net.ParseIP("::ffff:10.0.0.1"), Port: 4000}}, // mapped form of lb
	}}
	pc := &PacketConn{PacketConn: fc, UDPSessionTrackingTTL: time.Minute}
	want := []string{"192.0.2.7:5353", "10.0.0.2:4000", "[2001:db8::9]:7", "10.0.0.2:4000", "[2001:db8::9]:7"}
	buf := make([]byte, 512)
	for i, w := range want {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if from.String() != w || string(buf[:n]) != string(query) {
			t.Errorf("read %d: %q from %s, want query from %s", i, buf[:n], from, w)
		}
	}
}

func TestSessionTrackingOff(t *testing.T) {
	fc := &fakeConn{local: server, in: []datagram{{v2(t, client, server, nil), lb}, {query, lb}}}
	pc := &PacketConn{PacketConn: fc}
	buf := make([]byte, 512)
	_, from, err := pc.ReadFrom(buf)
	if err != nil || from.String() != "10.0.0.1:4000" {
		t.Errorf("got %v, %v; want the proxy's own address", from, err)
	}
}

func TestSessionsExpireAndEvict(t *testing.T) {
	s := newSessions(2, time.Second)
	now := time.Unix(1000, 0)
	a := &net.UDPAddr{IP: net.ParseIP("10.0.0.1"), Port: 1}
	b := &net.UDPAddr{IP: net.ParseIP("10.0.0.2"), Port: 1}
	c := &net.UDPAddr{IP: net.ParseIP("10.0.0.3"), Port: 1}
	s.put(a, client, now)
	s.put(b, client, now)
	if s.get(a, now.Add(900*time.Millisecond)) == nil { // refreshes a
		t.Fatal("a expired early")
	}
	if s.get(b, now.Add(1500*time.Millisecond)) != nil {
		t.Error("b did not expire")
	}
	if s.get(a, now.Add(1500*time.Millisecond)) == nil {
		t.Error("a was not refreshed")
	}
	s.put(b, client, now)
	s.get(a, now)         // a is now the most recently used
	s.put(c, client, now) // so b is evicted
	if s.len() != 2 || s.get(b, now) != nil || s.get(a, now) == nil || s.get(c, now) == nil {
		t.Errorf("eviction: len %d", s.len())
	}
	if s.get(&net.UnixAddr{Name: "x", Net: "unix"}, now) != nil {
		t.Error("non-IP key found a session")
	}
}
