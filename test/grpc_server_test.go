package test

import (
	"context"
	"testing"
	"time"

	"github.com/coredns/coredns/pb"

	"github.com/miekg/dns"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

func grpcQuery(t *testing.T, target string, creds credentials.TransportCredentials) *dns.Msg {
	t.Helper()
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	buf, _ := m.Pack()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	reply, err := pb.NewDnsServiceClient(conn).Query(ctx, &pb.DnsPacket{Msg: buf})
	if err != nil {
		t.Fatalf("query: %s", err)
	}
	r := new(dns.Msg)
	if err := r.Unpack(reply.GetMsg()); err != nil {
		t.Fatal(err)
	}
	if r.Id != m.Id {
		t.Errorf("id %d, want %d", r.Id, m.Id)
	}
	return r
}

func TestGRPCServer(t *testing.T) {
	cert, key, cc := testCert(t)
	for _, extra := range []string{"", "grpc_server {\nmax_streams 10\nmax_connections 5\n}"} {
		corefile := `grpc://.:0 {
			bind 127.0.0.1
			tls ` + cert + ` ` + key + `
			` + extra + `
			whoami
		}`
		i, _, tcp, err := CoreDNSServerAndPorts(corefile)
		if err != nil {
			t.Fatalf("could not start server: %s", err)
		}
		r := grpcQuery(t, tcp, credentials.NewTLS(cc))
		checkWhoami(t, r, "tcp")
		CoreDNSServerStop(i)
	}
}

func TestGRPCServerPlain(t *testing.T) {
	_, tcp := startServer(t, "grpc://.:0 {\nbind 127.0.0.1\nwhoami\n}")
	checkWhoami(t, grpcQuery(t, tcp, insecure.NewCredentials()), "tcp")
}
