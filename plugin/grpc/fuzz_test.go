package grpc

import (
	"context"
	"testing"

	"github.com/coredns/coredns/pb"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"google.golang.org/grpc"
)

// rawClient answers every query with the same bytes.
type rawClient []byte

func (r rawClient) Query(context.Context, *pb.DnsPacket, ...grpc.CallOption) (*pb.DnsPacket, error) {
	return &pb.DnsPacket{Msg: r}, nil
}

// FuzzUpstreamReply feeds arbitrary upstream replies to ServeDNS, which must
// answer or fail without panicking.
func FuzzUpstreamReply(f *testing.F) {
	req := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
	good := new(dns.Msg).SetReply(req)
	good.Answer = []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")}
	buf, _ := good.Pack()
	f.Add(buf)
	f.Add([]byte{})
	f.Add(buf[:12])

	f.Fuzz(func(t *testing.T, data []byte) {
		g := newGRPC()
		g.proxies = []*Proxy{{addr: "fuzz", client: rawClient(data)}}
		g.Fall.SetZonesFromArgs(nil)
		g.Next = test.NextHandler(dns.RcodeRefused, nil)
		g.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), req.Copy()) //nolint:errcheck // only panics matter
	})
}
