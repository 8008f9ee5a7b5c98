package dnsserver

import (
	"context"
	"net"
	"testing"
	"time"

	ppkt "github.com/coredns/coredns/plugin/pkg/proxyproto"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	proxyproto "github.com/pires/go-proxyproto"
)

func TestMakeServersNumSockets(t *testing.T) {
	srvs, err := makeServers(t, func(h *dnsContext) {
		h.configs[0].NumSockets = 3
		h.configs[1].NumSockets = 5 // same address: the first block decides
		h.configs[2].NumSockets = 2
	},
		[]string{"first.example:1053"},
		[]string{"second.example:1053"},
		[]string{"third.example:1054"},
		[]string{"fourth.example:1055"},
	)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	var extra []bool
	for _, s := range srvs {
		addrs = append(addrs, s.Addr)
		extra = append(extra, s.extraSocket)
	}
	want := []string{
		"dns://:1053", "dns://:1053", "dns://:1053",
		"dns://:1054", "dns://:1054",
		"dns://:1055",
	}
	wantExtra := []bool{false, true, true, false, true, false}
	if len(addrs) != len(want) {
		t.Fatalf("servers %v, want %v", addrs, want)
	}
	for i := range want {
		if addrs[i] != want[i] || extra[i] != wantExtra[i] {
			t.Errorf("server %d: %s extra=%v, want %s extra=%v", i, addrs[i], extra[i], want[i], wantExtra[i])
		}
	}
	if got := zonesOf(srvs[2]); len(got) != 2 {
		t.Errorf("every socket serves every zone of the address, got %v", got)
	}
}

func usePolicy(proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) { return proxyproto.USE, nil }

func TestWrapListener(t *testing.T) {
	plain, _ := NewServer("dns://127.0.0.1:0", []*Config{{Zone: "."}})
	pp, _ := NewServer("dns://127.0.0.1:0", []*Config{{Zone: "."}, {Zone: "example.", ProxyProtoConnPolicy: usePolicy}})

	if plain.WrapListener(nil) != nil || pp.WrapListener(nil) != nil {
		t.Error("a nil listener must stay nil")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if plain.WrapListener(l) != l {
		t.Error("without proxyproto the listener must be returned as is")
	}
	w := pp.WrapListener(l)
	if _, ok := w.(*proxyproto.Listener); !ok {
		t.Fatalf("wrapped listener is %T", w)
	}
	if pp.WrapListener(w) != w {
		t.Error("a wrapped listener was wrapped twice")
	}

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if plain.wrapPacketConn(pc) != pc {
		t.Error("without proxyproto the packet conn must be returned as is")
	}
	wp := pp.wrapPacketConn(pc)
	if _, ok := wp.(*ppkt.PacketConn); !ok || pp.wrapPacketConn(wp) != wp {
		t.Errorf("wrapped packet conn is %T", wp)
	}
}

// clientTXTHandler answers with a TXT record holding the client's address.
type clientTXTHandler struct{}

func (clientTXTHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{test.TXT(r.Question[0].Name + ` 0 IN TXT "` + w.RemoteAddr().String() + `"`)}
	w.WriteMsg(m) //nolint:errcheck
	return 0, nil
}

func (clientTXTHandler) Name() string { return "addr" }

// TestServeProxyProto answers queries that come through a balancer speaking
// the PROXY protocol, over UDP and TCP, and checks that the chain sees the
// client named in the header.
func TestServeProxyProto(t *testing.T) {
	cfg := handlerConfig(".", clientTXTHandler{})
	cfg.ProxyProtoConnPolicy = usePolicy
	s, err := NewServer("dns://127.0.0.1:0", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := s.ListenPacket()
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go s.ServePacket(pc) //nolint:errcheck
	go s.Serve(l)        //nolint:errcheck
	defer s.Stop()

	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeTXT)
	packed, _ := q.Pack()
	src := &net.UDPAddr{IP: net.ParseIP("192.0.2.7").To4(), Port: 5353}
	dst := pc.LocalAddr().(*net.UDPAddr)
	want := test.Case{Qname: "example.org.", Qtype: dns.TypeTXT, Authoritative: true,
		Answer: []dns.RR{test.TXT(`example.org. 0 IN TXT "192.0.2.7:5353"`)}}

	// UDP: header and query in one datagram; the reply comes back plain.
	uc, err := net.DialUDP("udp", nil, dst)
	if err != nil {
		t.Fatal(err)
	}
	defer uc.Close()
	d, _ := proxyproto.HeaderProxyFromAddrs(2, src, dst).FormatUDPDatagram(packed)
	if _, err := uc.Write(d); err != nil {
		t.Fatal(err)
	}
	uc.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	n, err := uc.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	resp := new(dns.Msg)
	if err := resp.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, want); err != nil {
		t.Errorf("udp: %v", err)
	}

	// TCP: a v1 header ahead of the stream.
	tc, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	tc.Write([]byte("PROXY TCP4 192.0.2.7 127.0.0.1 5353 53\r\n")) //nolint:errcheck
	co := &dns.Conn{Conn: tc}
	co.SetDeadline(time.Now().Add(2 * time.Second))
	if err := co.WriteMsg(q); err != nil {
		t.Fatal(err)
	}
	resp, err = co.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, want); err != nil {
		t.Errorf("tcp: %v", err)
	}
}
