package dnsserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"

	"github.com/coredns/coredns/pb"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
	"golang.org/x/net/netutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

// Defaults for DNS over gRPC.
const (
	// DefaultGRPCMaxStreams is the default limit of concurrent streams per
	// connection.
	DefaultGRPCMaxStreams = 256
	// DefaultGRPCMaxConnections is the default limit of concurrent
	// connections.
	DefaultGRPCMaxConnections = 200
)

// ServergRPC answers DNS over gRPC: the DnsService Query call carries one
// DNS message in wire format each way. Without a tls directive it serves
// plaintext gRPC.
type ServergRPC struct {
	*Server
	*pb.UnimplementedDnsServiceServer
	grpcServer     *grpc.Server
	listenAddr     net.Addr
	tlsConfig      *tls.Config
	maxStreams     int
	maxConnections int
}

// NewServergRPC returns a DNS over gRPC server for addr.
func NewServergRPC(addr string, group []*Config) (*ServergRPC, error) {
	s, err := NewServer(addr, group)
	if err != nil {
		return nil, err
	}
	g := &ServergRPC{
		Server:                        s,
		UnimplementedDnsServiceServer: &pb.UnimplementedDnsServiceServer{},
		tlsConfig:                     groupTLSConfig(group),
		maxStreams:                    DefaultGRPCMaxStreams,
		maxConnections:                DefaultGRPCMaxConnections,
	}
	if g.tlsConfig != nil {
		// gRPC runs on HTTP/2.
		g.tlsConfig.NextProtos = []string{"h2"}
	}
	for _, c := range group {
		if c.MaxGRPCStreams != nil {
			g.maxStreams = *c.MaxGRPCStreams
		}
		if c.MaxGRPCConnections != nil {
			g.maxConnections = *c.MaxGRPCConnections
		}
	}
	return g, nil
}

// Serve answers gRPC calls on l until Stop.
func (s *ServergRPC) Serve(l net.Listener) error {
	var opts []grpc.ServerOption
	if s.maxStreams > 0 {
		opts = append(opts, grpc.MaxConcurrentStreams(uint32(s.maxStreams)))
	}
	if s.tlsConfig != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(s.tlsConfig)))
	}
	s.m.Lock()
	s.listenAddr = l.Addr()
	if s.maxConnections > 0 {
		l = netutil.LimitListener(l, s.maxConnections)
	}
	s.grpcServer = grpc.NewServer(opts...)
	pb.RegisterDnsServiceServer(s.grpcServer, s)
	srv := s.grpcServer
	s.m.Unlock()
	if err := srv.Serve(l); err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// ServePacket does nothing: gRPC has no packet side.
func (s *ServergRPC) ServePacket(_p net.PacketConn) error { return nil }

// Listen opens the TCP listener.
func (s *ServergRPC) Listen() (net.Listener, error) {
	l, err := reuseport.Listen("tcp", hostPort(s.Addr))
	if err != nil {
		return nil, err
	}
	return s.WrapListener(l), nil
}

// ListenPacket returns nothing: gRPC has no packet side.
func (s *ServergRPC) ListenPacket() (net.PacketConn, error) { return nil, nil }

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *ServergRPC) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones(transport.GRPC+"://", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// Stop stops the gRPC server, ending calls in flight.
func (s *ServergRPC) Stop() (err error) {
	s.m.Lock()
	defer s.m.Unlock()
	if s.grpcServer != nil {
		s.grpcServer.Stop()
	}
	return nil
}

// Shutdown stops the gRPC server after the calls in flight finish.
func (s *ServergRPC) Shutdown() error {
	s.m.Lock()
	srv := s.grpcServer
	s.m.Unlock()
	if srv != nil {
		srv.GracefulStop()
	}
	return nil
}

// Query answers one DNS message carried by a gRPC call.
func (s *ServergRPC) Query(ctx context.Context, in *pb.DnsPacket) (*pb.DnsPacket, error) {
	msg := new(dns.Msg)
	if err := msg.Unpack(in.GetMsg()); err != nil {
		return nil, err
	}
	var raddr net.Addr = &net.TCPAddr{}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		raddr = p.Addr
	}
	s.m.Lock()
	laddr := s.listenAddr
	s.m.Unlock()

	w := &gRPCresponse{localAddr: laddr, remoteAddr: raddr}
	s.ServeDNS(ctx, w, msg)
	if w.Msg == nil {
		return nil, errors.New("no response written")
	}
	buf, err := w.Msg.Pack()
	if err != nil {
		return nil, err
	}
	return &pb.DnsPacket{Msg: buf}, nil
}

// gRPCresponse keeps the answer of one gRPC query.
type gRPCresponse struct {
	localAddr  net.Addr
	remoteAddr net.Addr
	Msg        *dns.Msg
}

func (r *gRPCresponse) Write(b []byte) (int, error) {
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return 0, err
	}
	r.Msg = m
	return len(b), nil
}

func (r *gRPCresponse) WriteMsg(m *dns.Msg) error { r.Msg = m; return nil }
func (r *gRPCresponse) Close() error              { return nil }
func (r *gRPCresponse) TsigStatus() error         { return nil }
func (r *gRPCresponse) TsigTimersOnly(bool)       {}
func (r *gRPCresponse) Hijack()                   {}
func (r *gRPCresponse) LocalAddr() net.Addr       { return r.localAddr }
func (r *gRPCresponse) RemoteAddr() net.Addr      { return r.remoteAddr }
func (r *gRPCresponse) Network() string           { return transport.GRPC }
