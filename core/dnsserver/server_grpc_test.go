package dnsserver

import (
	"context"
	"net"
	"testing"

	"github.com/coredns/coredns/pb"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"google.golang.org/grpc/peer"
)

func TestGRPCQuery(t *testing.T) {
	s, err := NewServergRPC("grpc://127.0.0.1:443", []*Config{handlerConfig("example.org.", tagHandler("grpc"))})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		qname string
		tc    test.Case
	}{
		{"example.org.", test.Case{Qname: "example.org.", Qtype: dns.TypeA,
			Answer: []dns.RR{test.TXT(`example.org. 0 IN TXT "grpc"`)}}},
		{"example.net.", test.Case{Qname: "example.net.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused}},
	}
	ctx := peer.NewContext(context.Background(), &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 999}})
	for _, tc := range tests {
		q := new(dns.Msg)
		q.SetQuestion(tc.qname, dns.TypeA)
		wire, _ := q.Pack()
		reply, err := s.Query(ctx, &pb.DnsPacket{Msg: wire})
		if err != nil {
			t.Fatalf("%s: %v", tc.qname, err)
		}
		m := new(dns.Msg)
		if err := m.Unpack(reply.GetMsg()); err != nil {
			t.Fatal(err)
		}
		if m.Id != q.Id {
			t.Errorf("%s: id %d, want %d", tc.qname, m.Id, q.Id)
		}
		if err := test.SortAndCheck(m, tc.tc); err != nil {
			t.Errorf("%s: %v", tc.qname, err)
		}
	}
	if _, err := s.Query(ctx, &pb.DnsPacket{Msg: []byte{1, 2}}); err == nil {
		t.Error("garbage query answered")
	}
}

func TestHostPort(t *testing.T) {
	for in, want := range map[string]string{
		"tls://127.0.0.1:853": "127.0.0.1:853",
		"grpc://[::1]:443":    "[::1]:443",
		":53":                 ":53",
	} {
		if got := hostPort(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
