package test

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	tap "github.com/dnstap/golang-dnstap"
	fs "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// dnstapCollector accepts frame streams connections, as the dnstap tool
// does, and passes on every payload it decodes.
type dnstapCollector struct {
	ln  net.Listener
	got chan *tap.Dnstap
}

func newDnstapCollector(t *testing.T, network, addr string) *dnstapCollector {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	c := &dnstapCollector{ln: ln, got: make(chan *tap.Dnstap, 100)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go c.read(conn)
		}
	}()
	return c
}

func (c *dnstapCollector) read(conn net.Conn) {
	defer conn.Close()
	dec, err := fs.NewDecoder(conn, &fs.DecoderOptions{ContentType: []byte("protobuf:dnstap.Dnstap"), Bidirectional: true})
	if err != nil {
		return
	}
	for {
		buf, err := dec.Decode()
		if err != nil {
			return
		}
		p := &tap.Dnstap{}
		if proto.Unmarshal(buf, p) == nil {
			c.got <- p
		}
	}
}

func (c *dnstapCollector) next(t *testing.T) *tap.Dnstap {
	t.Helper()
	select {
	case p := <-c.got:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("collector got no dnstap payload within 5s")
	}
	return nil
}

func TestDnstap(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "dnstap.sock")
	unixCol := newDnstapCollector(t, "unix", sock)
	tcpCol := newDnstapCollector(t, "tcp", "127.0.0.1:0")

	corefile := `.:0 {
		bind 127.0.0.1
		dnstap unix://` + sock + ` full
		dnstap tcp://` + tcpCol.ln.Addr().String() + ` {
			identity test-server
			version test-1.0
			extra "{type} {proto}"
		}
		whoami
	}`
	udp, tcp := startServer(t, corefile)

	for _, tc := range []struct {
		net    string
		server string
		proto  tap.SocketProtocol
		extra  string
	}{
		{"udp", udp, tap.SocketProtocol_UDP, "A udp"},
		{"tcp", tcp, tap.SocketProtocol_TCP, "A tcp"},
	} {
		t.Run(tc.net, func(t *testing.T) {
			conn, err := dns.Dial(tc.net, tc.server)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			q := new(dns.Msg)
			q.SetQuestion("example.org.", dns.TypeA)
			if err := conn.WriteMsg(q); err != nil {
				t.Fatal(err)
			}
			resp, err := conn.ReadMsg()
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Extra) != 2 || resp.Rcode != dns.RcodeSuccess {
				t.Fatalf("unexpected whoami answer: %v", resp)
			}

			client := conn.LocalAddr()
			server := conn.RemoteAddr()
			cport, sport := addrPort(client), addrPort(server)
			base := func(typ tap.Message_Type) *tap.Message {
				return &tap.Message{
					Type:            typ.Enum(),
					SocketFamily:    tap.SocketFamily_INET.Enum(),
					SocketProtocol:  tc.proto.Enum(),
					QueryAddress:    []byte{127, 0, 0, 1},
					QueryPort:       &cport,
					ResponseAddress: []byte{127, 0, 0, 1},
					ResponsePort:    &sport,
				}
			}
			wantQuery, _ := q.Pack()
			wantResp, _ := resp.Pack()

			// The unix collector gets the wire format ("full") and the defaults.
			for _, want := range []struct {
				col  *dnstapCollector
				full bool
				id   string
				ver  string
				ext  string
			}{
				{unixCol, true, "", "", ""},
				{tcpCol, false, "test-server", "test-1.0", tc.extra},
			} {
				qp, rp := want.col.next(t), want.col.next(t)
				checkTimes(t, qp.Message, rp.Message)
				wq, wr := base(tap.Message_CLIENT_QUERY), base(tap.Message_CLIENT_RESPONSE)
				wq.QueryTimeSec, wq.QueryTimeNsec = qp.Message.QueryTimeSec, qp.Message.QueryTimeNsec
				wr.QueryTimeSec, wr.QueryTimeNsec = rp.Message.QueryTimeSec, rp.Message.QueryTimeNsec
				wr.ResponseTimeSec, wr.ResponseTimeNsec = rp.Message.ResponseTimeSec, rp.Message.ResponseTimeNsec
				if want.full {
					wq.QueryMessage, wr.ResponseMessage = wantQuery, wantResp
				}
				for k, pair := range [][2]*tap.Message{{qp.Message, wq}, {rp.Message, wr}} {
					if !proto.Equal(pair[0], pair[1]) {
						t.Errorf("message %d:\n got %v\nwant %v", k, pair[0], pair[1])
					}
				}
				for _, p := range []*tap.Dnstap{qp, rp} {
					if p.GetType() != tap.Dnstap_MESSAGE {
						t.Errorf("payload type %v", p.GetType())
					}
					if want.id != "" && string(p.Identity) != want.id {
						t.Errorf("identity %q, want %q", p.Identity, want.id)
					}
					if want.id == "" && len(p.Identity) == 0 {
						t.Error("no default identity (hostname)")
					}
					if want.ver != "" && string(p.Version) != want.ver {
						t.Errorf("version %q, want %q", p.Version, want.ver)
					}
					if want.ver == "" && string(p.Version) != "CoreDNS-1.14.7" && string(p.Version) != "-" {
						t.Errorf("default version %q", p.Version)
					}
					if string(p.Extra) != want.ext {
						t.Errorf("extra %q, want %q", p.Extra, want.ext)
					}
				}
			}
		})
	}
}

// checkTimes checks that the query and response carry the same query time,
// no later than the response time, and within the last minute.
func checkTimes(t *testing.T, q, r *tap.Message) {
	t.Helper()
	if q.QueryTimeSec == nil || r.QueryTimeSec == nil || r.ResponseTimeSec == nil {
		t.Fatal("missing times")
	}
	qt := time.Unix(int64(q.GetQueryTimeSec()), int64(q.GetQueryTimeNsec()))
	rt := time.Unix(int64(r.GetResponseTimeSec()), int64(r.GetResponseTimeNsec()))
	if q.GetQueryTimeSec() != r.GetQueryTimeSec() || q.GetQueryTimeNsec() != r.GetQueryTimeNsec() {
		t.Error("query time differs between query and response")
	}
	if rt.Before(qt) || time.Since(qt) > time.Minute {
		t.Errorf("query time %v, response time %v", qt, rt)
	}
}

// addrPort returns the port of a TCP or UDP address.
func addrPort(a net.Addr) uint32 {
	_, p, _ := net.SplitHostPort(a.String())
	n, _ := strconv.Atoi(p)
	return uint32(n)
}

// A server whose collector is down answers queries all the same, and
// connects once the collector comes up.
func TestDnstapCollectorDown(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "late.sock")
	corefile := `.:0 {
		bind 127.0.0.1
		dnstap ` + sock + `
		whoami
	}`
	udp, _ := startServer(t, corefile)

	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	c := &dns.Client{Timeout: 2 * time.Second}
	if _, _, err := c.Exchange(q, udp); err != nil {
		t.Fatalf("query with the collector down: %v", err)
	}

	col := newDnstapCollector(t, "unix", sock)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, _, err := c.Exchange(q, udp); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-col.got:
			if p.Message.GetType() != tap.Message_CLIENT_QUERY && p.Message.GetType() != tap.Message_CLIENT_RESPONSE {
				t.Fatalf("unexpected message %v", p)
			}
			return
		case <-time.After(300 * time.Millisecond):
		}
	}
	t.Fatal("dnstap never reconnected to the collector")
}

// A forward in a block with dnstap logs its exchange with the upstream as
// FORWARDER_QUERY and FORWARDER_RESPONSE, between the client messages.
func TestDnstapForwarder(t *testing.T) {
	up, err := CoreDNSServer(".:0 {\n\tbind 127.0.0.1\n\twhoami\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	defer CoreDNSServerStop(up)
	upUDP, _ := CoreDNSServerPorts(up, 0)

	col := newDnstapCollector(t, "tcp", "127.0.0.1:0")
	corefile := `.:0 {
		bind 127.0.0.1
		dnstap tcp://` + col.ln.Addr().String() + ` full
		forward . ` + upUDP + `
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatal(err)
	}
	defer CoreDNSServerStop(i)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, err := dns.Exchange(m, udp); err != nil {
		t.Fatal(err)
	}

	want := []tap.Message_Type{tap.Message_CLIENT_QUERY, tap.Message_FORWARDER_QUERY, tap.Message_FORWARDER_RESPONSE, tap.Message_CLIENT_RESPONSE}
	for _, typ := range want {
		p := col.next(t)
		msg := p.GetMessage()
		if msg.GetType() != typ {
			t.Fatalf("message type %v, want %v", msg.GetType(), typ)
		}
		if typ != tap.Message_FORWARDER_QUERY && typ != tap.Message_FORWARDER_RESPONSE {
			continue
		}
		if got := strconv.Itoa(int(msg.GetResponsePort())); net.JoinHostPort(net.IP(msg.GetResponseAddress()).String(), got) != upUDP {
			t.Errorf("%v: upstream %s:%s, want %s", typ, net.IP(msg.GetResponseAddress()), got, upUDP)
		}
		if msg.GetSocketProtocol() != tap.SocketProtocol_UDP {
			t.Errorf("%v: protocol %v, want UDP", typ, msg.GetSocketProtocol())
		}
		raw := msg.GetQueryMessage()
		if typ == tap.Message_FORWARDER_RESPONSE {
			raw = msg.GetResponseMessage()
		}
		dm := new(dns.Msg)
		if err := dm.Unpack(raw); err != nil || dm.Question[0].Name != "example.org." {
			t.Errorf("%v: wire message %v, %v", typ, dm, err)
		}
	}
}
