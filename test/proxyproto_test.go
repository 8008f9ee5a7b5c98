package test

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	proxyproto "github.com/pires/go-proxyproto"
)

// whoamiCase is whoami's whole answer for a client at ip:port over proto.
func whoamiCase(qname, ip string, port, proto string) test.Case {
	return test.Case{Qname: qname, Qtype: dns.TypeA, Authoritative: true,
		Extra: []dns.RR{
			test.A(qname + " 0 IN A " + ip),
			test.SRV("_" + proto + "." + qname + " 0 IN SRV 0 0 " + port + " ."),
		}}
}

// exchangeUDPRaw sends datagram to addr and returns the reply, or nil when
// none comes within wait.
func exchangeUDPRaw(t *testing.T, addr string, datagram []byte, wait time.Duration) *dns.Msg {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(datagram); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 1024)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	m := new(dns.Msg)
	if err := m.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	return m
}

// exchangeTCPRaw sends prefix and then m over one TCP connection.
func exchangeTCPRaw(t *testing.T, addr string, prefix []byte, m *dns.Msg) (*dns.Msg, error) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write(prefix); err != nil {
		return nil, err
	}
	co := &dns.Conn{Conn: c}
	if err := co.WriteMsg(m); err != nil {
		return nil, err
	}
	return co.ReadMsg()
}

func TestProxyProto(t *testing.T) {
	corefile := `example.org:0 {
		bind 127.0.0.1
		proxyproto {
			allow 127.0.0.1/32
		}
		whoami
	}`
	udp, tcp := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	packed, _ := m.Pack()
	src := &net.UDPAddr{IP: net.ParseIP("192.0.2.7").To4(), Port: 5353}
	dst, _ := net.ResolveUDPAddr("udp", udp)

	// UDP with a v2 header: whoami sees the proxied client.
	d, err := proxyproto.HeaderProxyFromAddrs(2, src, dst).FormatUDPDatagram(packed)
	if err != nil {
		t.Fatal(err)
	}
	resp := exchangeUDPRaw(t, udp, d, 2*time.Second)
	if resp == nil {
		t.Fatal("no UDP reply")
	}
	if err := test.SortAndCheck(resp, whoamiCase("example.org.", "192.0.2.7", "5353", "udp")); err != nil {
		t.Errorf("udp v2: %v", err)
	}

	// UDP without a header: the header is optional, the sender is itself.
	c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
	resp, _, err = c.Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Extra) != 2 || resp.Extra[0].(*dns.A).A.String() != "127.0.0.1" {
		t.Errorf("udp without header: %v", resp.Extra)
	}

	// TCP with a v1 header and with a v2 header for an IPv6 client.
	resp, err = exchangeTCPRaw(t, tcp, []byte("PROXY TCP4 198.51.100.9 127.0.0.1 40000 53\r\n"), m)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, whoamiCase("example.org.", "198.51.100.9", "40000", "tcp")); err != nil {
		t.Errorf("tcp v1: %v", err)
	}
	h6 := proxyproto.HeaderProxyFromAddrs(2, &net.TCPAddr{IP: net.ParseIP("2001:db8::7"), Port: 1234}, &net.TCPAddr{IP: net.ParseIP("2001:db8::53"), Port: 53})
	hb, _ := h6.Format()
	resp, err = exchangeTCPRaw(t, tcp, hb, m)
	if err != nil {
		t.Fatal(err)
	}
	want := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
		Extra: []dns.RR{test.AAAA("example.org. 0 IN AAAA 2001:db8::7"), test.SRV("_tcp.example.org. 0 IN SRV 0 0 1234 .")}}
	if err := test.SortAndCheck(resp, want); err != nil {
		t.Errorf("tcp v2: %v", err)
	}

	// TCP without a header still works.
	c.Net = "tcp"
	resp, _, err = c.Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, whoamiCase("example.org.", "127.0.0.1", srvPort(t, resp), "tcp")); err != nil {
		t.Errorf("tcp without header: %v", err)
	}
}

// srvPort returns the port of whoami's SRV record in m.
func srvPort(t *testing.T, m *dns.Msg) string {
	t.Helper()
	if len(m.Extra) != 2 {
		t.Fatalf("extra section %v", m.Extra)
	}
	return strconv.Itoa(int(m.Extra[1].(*dns.SRV).Port))
}

func TestProxyProtoDefaultPolicies(t *testing.T) {
	tests := []struct {
		policy string
		udp    string // client whoami reports for a datagram with a header; "" for no reply
		tcpErr bool   // the TCP connection with a header fails
	}{
		{"ignore", "127.0.0.1", false},
		{"use", "192.0.2.7", false},
		{"reject", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.policy, func(t *testing.T) {
			corefile := `example.org:0 {
				bind 127.0.0.1
				proxyproto {
					allow 10.0.0.0/8
					default ` + tc.policy + `
				}
				whoami
			}`
			udp, tcp := startServer(t, corefile)

			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			packed, _ := m.Pack()
			src := &net.UDPAddr{IP: net.ParseIP("192.0.2.7").To4(), Port: 5353}
			dst, _ := net.ResolveUDPAddr("udp", udp)
			d, _ := proxyproto.HeaderProxyFromAddrs(2, src, dst).FormatUDPDatagram(packed)
			resp := exchangeUDPRaw(t, udp, d, 500*time.Millisecond)
			switch {
			case tc.udp == "" && resp != nil:
				t.Errorf("udp: got a reply %v, want the datagram dropped", resp)
			case tc.udp != "" && resp == nil:
				t.Errorf("udp: no reply")
			case tc.udp != "" && (len(resp.Extra) != 2 || resp.Extra[0].(*dns.A).A.String() != tc.udp):
				t.Errorf("udp: client %v, want %s", resp.Extra, tc.udp)
			}

			resp, err := exchangeTCPRaw(t, tcp, []byte("PROXY TCP4 192.0.2.7 127.0.0.1 5353 53\r\n"), m)
			if tc.tcpErr != (err != nil) {
				t.Errorf("tcp: reply %v, error %v; want error %v", resp, err, tc.tcpErr)
			}

			// Without a header every policy answers.
			c := &dns.Client{Net: "udp", Timeout: 2 * time.Second}
			if _, _, err := c.Exchange(m, udp); err != nil {
				t.Errorf("udp without header: %v", err)
			}
		})
	}
}
