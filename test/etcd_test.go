package test

import (
	"bytes"
	"context"
	"net"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// fakeEtcd imitates the two etcd v3 gRPC calls the plugin's client makes:
// KV.Range (a key, or a key range for prefixes) and Auth.Authenticate.
type fakeEtcd struct {
	pb.UnimplementedKVServer
	pb.UnimplementedAuthServer

	mu     sync.Mutex
	kvs    map[string]string
	user   string // when set, Range wants the token Authenticate gave out
	ranges int
}

const fakeEtcdToken = "fake-token"

func (f *fakeEtcd) Range(ctx context.Context, req *pb.RangeRequest) (*pb.RangeResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ranges++
	if f.user != "" {
		md, _ := metadata.FromIncomingContext(ctx)
		if tok := md.Get("token"); len(tok) != 1 || tok[0] != fakeEtcdToken {
			return nil, rpctypes.ErrGRPCUserEmpty
		}
	}
	resp := &pb.RangeResponse{Header: &pb.ResponseHeader{}}
	for k, v := range f.kvs {
		key := []byte(k)
		in := bytes.Equal(key, req.Key)
		if len(req.RangeEnd) > 0 {
			in = bytes.Compare(key, req.Key) >= 0 && bytes.Compare(key, req.RangeEnd) < 0
		}
		if in {
			resp.Kvs = append(resp.Kvs, &mvccpb.KeyValue{Key: key, Value: []byte(v)})
		}
	}
	sort.Slice(resp.Kvs, func(i, j int) bool { return bytes.Compare(resp.Kvs[i].Key, resp.Kvs[j].Key) < 0 })
	resp.Count = int64(len(resp.Kvs))
	return resp, nil
}

func (f *fakeEtcd) Authenticate(_ context.Context, req *pb.AuthenticateRequest) (*pb.AuthenticateResponse, error) {
	if req.Name != f.user || req.Password != "secret" {
		return nil, rpctypes.ErrGRPCAuthFailed
	}
	return &pb.AuthenticateResponse{Header: &pb.ResponseHeader{}, Token: fakeEtcdToken}, nil
}

// startFakeEtcd serves f on a loopback port and returns its endpoint URL.
func startFakeEtcd(t *testing.T, f *fakeEtcd) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := grpc.NewServer()
	pb.RegisterKVServer(s, f)
	pb.RegisterAuthServer(s, f)
	go s.Serve(l) //nolint:errcheck // ends with Stop
	t.Cleanup(s.Stop)
	return "http://" + l.Addr().String()
}

var etcdE2EData = map[string]string{
	"/skydns/test/skydns/www/x1":     `{"host":"192.0.2.1","ttl":60}`,
	"/skydns/test/skydns/www/x2":     `{"host":"192.0.2.2","ttl":60}`,
	"/skydns/test/skydns/v6":         `{"host":"2001:db8::5"}`,
	"/skydns/test/skydns/ext":        `{"host":"external.example.org"}`,
	"/skydns/test/skydns/txt":        `{"text":"some text"}`,
	"/skydns/test/skydns/_http/_tcp": `{"host":"192.0.2.80","port":8080}`,
}

func TestEtcdServe(t *testing.T) {
	f := &fakeEtcd{kvs: etcdE2EData}
	endpoint := startFakeEtcd(t, f)

	corefile := `.:0 {
    bind 127.0.0.1
    etcd skydns.test {
        endpoint ` + endpoint + `
    }
    hosts {
        192.0.2.53 external.example.org
        ttl 30
        fallthrough
    }
}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	soa := test.SOA("skydns.test. 30 IN SOA ns.dns.skydns.test. hostmaster.skydns.test. 0 7200 1800 86400 30")
	cases := []test.Case{
		{Qname: "www.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.A("www.skydns.test. 60 IN A 192.0.2.1"),
			test.A("www.skydns.test. 60 IN A 192.0.2.2"),
		}},
		{Qname: "x1.www.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.A("x1.www.skydns.test. 60 IN A 192.0.2.1"),
		}},
		{Qname: "v6.skydns.test.", Qtype: dns.TypeAAAA, Authoritative: true, Answer: []dns.RR{
			test.AAAA("v6.skydns.test. 300 IN AAAA 2001:db8::5"),
		}},
		// An out-of-zone CNAME target is resolved through the server.
		{Qname: "ext.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.CNAME("ext.skydns.test. 300 IN CNAME external.example.org."),
			test.A("external.example.org. 30 IN A 192.0.2.53"),
		}},
		{Qname: "txt.skydns.test.", Qtype: dns.TypeTXT, Authoritative: true, Answer: []dns.RR{
			test.TXT(`txt.skydns.test. 300 IN TXT "some text"`),
		}},
		{Qname: "_tcp._http.skydns.test.", Qtype: dns.TypeSRV, Authoritative: true, Answer: []dns.RR{
			test.SRV("_tcp._http.skydns.test. 300 IN SRV 10 100 8080 _tcp._http.skydns.test."),
		}, Extra: []dns.RR{
			test.A("_tcp._http.skydns.test. 300 IN A 192.0.2.80"),
		}},
		{Qname: "www.skydns.test.", Qtype: dns.TypeMX, Authoritative: true, Ns: []dns.RR{soa}},
		{Qname: "nothere.skydns.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soa}},
	}
	for _, addr := range []struct{ net, addr string }{{"udp", udp}, {"tcp", tcp}} {
		for _, tc := range cases {
			c := &dns.Client{Net: addr.net, Timeout: 5 * time.Second}
			resp, _, err := c.Exchange(tc.Msg(), addr.addr)
			if err != nil {
				t.Fatalf("%s %s/%s: %v", addr.net, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", addr.net, err)
			}
		}
	}
}

// TestEtcdCredentials checks the client authenticates and sends its token.
func TestEtcdCredentials(t *testing.T) {
	f := &fakeEtcd{kvs: etcdE2EData, user: "coredns"}
	endpoint := startFakeEtcd(t, f)

	corefile := `.:0 {
    bind 127.0.0.1
    etcd skydns.test {
        endpoint ` + endpoint + `
        credentials coredns secret
    }
}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	tc := test.Case{Qname: "x2.www.skydns.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
		test.A("x2.www.skydns.test. 60 IN A 192.0.2.2"),
	}}
	resp, err := dns.Exchange(tc.Msg(), udp)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, tc); err != nil {
		t.Error(err)
	}
}

// TestEtcdUnreachable checks a server starts while etcd is down: the client
// connects in the background.
func TestEtcdUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	corefile := `.:0 {
    bind 127.0.0.1
    etcd skydns.test {
        endpoint http://` + closed + `
    }
}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()
	if udp == "" {
		t.Fatal("no UDP listener")
	}
}
