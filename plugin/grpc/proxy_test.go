package grpc

import (
	"context"
	"crypto/tls"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/pb"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	pkgtls "github.com/coredns/coredns/plugin/pkg/tls"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// dnsService answers every Query with one A record.
type dnsService struct {
	pb.UnimplementedDnsServiceServer
}

func (dnsService) Query(_ context.Context, in *pb.DnsPacket) (*pb.DnsPacket, error) {
	req := new(dns.Msg)
	if err := req.Unpack(in.GetMsg()); err != nil {
		return nil, err
	}
	m := new(dns.Msg).SetReply(req)
	m.Answer = []dns.RR{test.A(req.Question[0].Name + " 60 IN A 192.0.2.53")}
	buf, err := m.Pack()
	if err != nil {
		return nil, err
	}
	return &pb.DnsPacket{Msg: buf}, nil
}

// startService serves dnsService on a loopback port and returns its address.
func startService(t *testing.T, tc *tls.Config) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var opts []grpc.ServerOption
	if tc != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tc)))
	}
	s := grpc.NewServer(opts...)
	pb.RegisterDnsServiceServer(s, dnsService{})
	go s.Serve(l) //nolint:errcheck // ends with Stop
	t.Cleanup(s.Stop)
	return l.Addr().String()
}

func TestProxyQuery(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	serverTLS, err := pkgtls.NewTLSConfig(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), "")
	if err != nil {
		t.Fatal(err)
	}
	clientTLS, err := pkgtls.NewTLSConfigFromArgs(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	wrongName := clientTLS.Clone()
	wrongName.ServerName = "not-in-the-cert.example"

	tests := []struct {
		name      string
		serverTLS *tls.Config
		clientTLS *tls.Config
		wantErr   bool
	}{
		{name: "plaintext"},
		{name: "tls", serverTLS: serverTLS, clientTLS: clientTLS},
		{name: "tls wrong server name", serverTLS: serverTLS, clientTLS: wrongName, wantErr: true},
		{name: "plaintext client, tls server", serverTLS: serverTLS, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := startService(t, tt.serverTLS)
			p, err := newProxy(addr, tt.clientTLS)
			if err != nil {
				t.Fatal(err)
			}
			defer p.close()

			before := testutil.ToFloat64(RequestCount.WithLabelValues(addr))
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			req := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
			ret, err := p.query(ctx, req)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %v", ret)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 60 IN A 192.0.2.53")}}
			if err := test.SortAndCheck(ret, tc); err != nil {
				t.Error(err)
			}
			if got := testutil.ToFloat64(RequestCount.WithLabelValues(addr)) - before; got != 1 {
				t.Errorf("requests_total grew by %v, want 1", got)
			}
			if got := testutil.ToFloat64(RcodeCount.WithLabelValues("NOERROR", addr)); got < 1 {
				t.Errorf("responses_total{rcode=NOERROR} = %v, want >= 1", got)
			}
		})
	}
}

func TestServeDNSOverGRPC(t *testing.T) {
	addr := startService(t, nil)
	p, err := newProxy(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := newGRPC()
	g.proxies = []*Proxy{p}
	defer g.OnShutdown()

	req := new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := g.ServeDNS(context.Background(), rec, req); err != nil {
		t.Fatal(err)
	}
	tc := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("www.example.org. 60 IN A 192.0.2.53")}}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}
