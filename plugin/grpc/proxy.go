package grpc

import (
	"context"
	"crypto/tls"
	"strconv"
	"time"

	"github.com/coredns/coredns/pb"

	"github.com/miekg/dns"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// maxMessageSize bounds the gRPC messages exchanged with an upstream: one DNS
// message in wire format plus the protobuf framing.
const maxMessageSize = dns.MaxMsgSize + 1024

// Proxy is one upstream reached over gRPC.
type Proxy struct {
	addr   string
	conn   *grpc.ClientConn
	client pb.DnsServiceClient
}

// newProxy returns a proxy for addr ("host:port"). The connection is opened
// lazily, on the first query. Without tlsConfig it speaks plaintext gRPC.
func newProxy(addr string, tlsConfig *tls.Config) (*Proxy, error) {
	creds := insecure.NewCredentials()
	if tlsConfig != nil {
		creds = credentials.NewTLS(tlsConfig)
	}
	// passthrough: the address is an IP literal, no name resolution needed.
	conn, err := grpc.NewClient("passthrough:///"+addr,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessageSize), grpc.MaxCallSendMsgSize(maxMessageSize)),
	)
	if err != nil {
		return nil, err
	}
	return &Proxy{addr: addr, conn: conn, client: pb.NewDnsServiceClient(conn)}, nil
}

// close releases the connection of p.
func (p *Proxy) close() error {
	if p.conn == nil {
		return nil
	}
	return p.conn.Close()
}

// query sends req to the upstream and returns its reply. A NotFound status
// from the upstream becomes an NXDOMAIN reply.
func (p *Proxy) query(ctx context.Context, req *dns.Msg) (*dns.Msg, error) {
	start := time.Now()
	buf, err := req.Pack()
	if err != nil {
		return nil, err
	}
	reply, err := p.client.Query(ctx, &pb.DnsPacket{Msg: buf})
	if err != nil {
		if status.Code(err) == codes.NotFound {
			return new(dns.Msg).SetRcode(req, dns.RcodeNameError), nil
		}
		return nil, err
	}
	ret := new(dns.Msg)
	if err := ret.Unpack(reply.GetMsg()); err != nil {
		return nil, err
	}

	rc, ok := dns.RcodeToString[ret.Rcode]
	if !ok {
		rc = strconv.Itoa(ret.Rcode)
	}
	RequestCount.WithLabelValues(p.addr).Inc()
	RcodeCount.WithLabelValues(rc, p.addr).Inc()
	RequestDuration.WithLabelValues(p.addr).Observe(time.Since(start).Seconds())
	return ret, nil
}
