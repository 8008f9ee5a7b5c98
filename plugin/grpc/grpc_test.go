package grpc

import (
	"context"
	"errors"
	"testing"

	"github.com/coredns/coredns/pb"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// fakeClient is a pb.DnsServiceClient answering with a function of the query.
type fakeClient struct {
	answer func(*dns.Msg) (*dns.Msg, error)
	calls  int
}

func (f *fakeClient) Query(_ context.Context, in *pb.DnsPacket, _ ...grpc.CallOption) (*pb.DnsPacket, error) {
	f.calls++
	req := new(dns.Msg)
	if err := req.Unpack(in.GetMsg()); err != nil {
		return nil, err
	}
	m, err := f.answer(req)
	if err != nil {
		return nil, err
	}
	buf, err := m.Pack()
	if err != nil {
		return nil, err
	}
	return &pb.DnsPacket{Msg: buf}, nil
}

// answerA replies with one A record for the question.
func answerA(ip string) func(*dns.Msg) (*dns.Msg, error) {
	return func(req *dns.Msg) (*dns.Msg, error) {
		m := new(dns.Msg).SetReply(req)
		m.Answer = []dns.RR{test.A(req.Question[0].Name + " 300 IN A " + ip)}
		return m, nil
	}
}

// answerRcode replies with an empty answer and rcode.
func answerRcode(rcode int) func(*dns.Msg) (*dns.Msg, error) {
	return func(req *dns.Msg) (*dns.Msg, error) {
		return new(dns.Msg).SetRcode(req, rcode), nil
	}
}

func fail(err error) func(*dns.Msg) (*dns.Msg, error) {
	return func(*dns.Msg) (*dns.Msg, error) { return nil, err }
}

// newTestGRPC returns a GRPC with the sequential policy whose upstreams are
// the fake clients.
func newTestGRPC(clients ...*fakeClient) *GRPC {
	g := newGRPC()
	g.policy = policySequential
	for i, c := range clients {
		g.proxies = append(g.proxies, &Proxy{addr: "upstream" + string(rune('0'+i)), client: c})
	}
	return g
}

func TestServeDNS(t *testing.T) {
	errDown := errors.New("connection refused")
	next := test.NextHandler(dns.RcodeRefused, nil) // marks that the chain went on

	tests := []struct {
		name     string
		from     string
		except   []string
		fall     []string
		upstream []func(*dns.Msg) (*dns.Msg, error)
		tc       test.Case
		wantRc   int
		wantErr  bool
		wantNext bool
		calls    []int
	}{
		{
			name:     "answer",
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerA("192.0.2.1")},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}},
			calls:    []int{1},
		},
		{
			name:     "outside FROM",
			from:     "example.org.",
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerA("192.0.2.1")},
			tc:       test.Case{Qname: "example.net.", Qtype: dns.TypeA},
			wantRc:   dns.RcodeRefused,
			wantNext: true,
			calls:    []int{0},
		},
		{
			name:     "except",
			from:     "example.org.",
			except:   []string{"private.example.org."},
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerA("192.0.2.1")},
			tc:       test.Case{Qname: "a.private.example.org.", Qtype: dns.TypeA},
			wantRc:   dns.RcodeRefused,
			wantNext: true,
			calls:    []int{0},
		},
		{
			name:     "except does not cover FROM itself",
			from:     "example.org.",
			except:   []string{"example.org."},
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerA("192.0.2.1")},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}},
			calls:    []int{1},
		},
		{
			name:     "first upstream fails",
			upstream: []func(*dns.Msg) (*dns.Msg, error){fail(errDown), answerA("192.0.2.2")},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.2")}},
			calls:    []int{1, 1},
		},
		{
			name:     "all upstreams fail",
			upstream: []func(*dns.Msg) (*dns.Msg, error){fail(errDown), fail(errDown)},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA},
			wantRc:   dns.RcodeServerFailure,
			wantErr:  true,
			calls:    []int{1, 1},
		},
		{
			name:     "NotFound status is NXDOMAIN",
			upstream: []func(*dns.Msg) (*dns.Msg, error){fail(status.Error(codes.NotFound, "no such name"))},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError},
			calls:    []int{1},
		},
		{
			name:     "NXDOMAIN without fallthrough",
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerRcode(dns.RcodeNameError)},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError},
			calls:    []int{1},
		},
		{
			name:     "NXDOMAIN with fallthrough",
			fall:     []string{},
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerRcode(dns.RcodeNameError)},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA},
			wantRc:   dns.RcodeRefused,
			wantNext: true,
			calls:    []int{1},
		},
		{
			name:     "NXDOMAIN with fallthrough for another zone",
			fall:     []string{"example.net."},
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerRcode(dns.RcodeNameError)},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError},
			calls:    []int{1},
		},
		{
			name:     "SERVFAIL does not fall through",
			fall:     []string{},
			upstream: []func(*dns.Msg) (*dns.Msg, error){answerRcode(dns.RcodeServerFailure)},
			tc:       test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure},
			calls:    []int{1},
		},
		{
			name: "reply for another question is FORMERR",
			upstream: []func(*dns.Msg) (*dns.Msg, error){func(req *dns.Msg) (*dns.Msg, error) {
				m := new(dns.Msg).SetReply(req)
				m.Question[0].Name = "other.org."
				return m, nil
			}},
			tc:    test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeFormatError},
			calls: []int{1},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clients := make([]*fakeClient, len(tt.upstream))
			for i, u := range tt.upstream {
				clients[i] = &fakeClient{answer: u}
			}
			g := newTestGRPC(clients...)
			if tt.from != "" {
				g.from = tt.from
			}
			g.ignored = tt.except
			if tt.fall != nil {
				g.Fall.SetZonesFromArgs(tt.fall)
			}
			g.Next = next

			req := tt.tc.Msg()
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rc, err := g.ServeDNS(context.Background(), rec, req)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if rc != tt.wantRc {
				t.Errorf("rcode returned %d, want %d", rc, tt.wantRc)
			}
			for i, c := range clients {
				if c.calls != tt.calls[i] {
					t.Errorf("upstream %d called %d times, want %d", i, c.calls, tt.calls[i])
				}
			}
			if tt.wantNext || tt.wantErr {
				if rec.Msg != nil {
					t.Errorf("wrote a reply %v, want none", rec.Msg)
				}
				return
			}
			if rec.Msg == nil {
				t.Fatal("no reply written")
			}
			if rec.Msg.Id != req.Id {
				t.Errorf("reply id %d, want %d", rec.Msg.Id, req.Id)
			}
			if err := test.SortAndCheck(rec.Msg, tt.tc); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestServeDNSNoUpstreams(t *testing.T) {
	g := newGRPC()
	rc, err := g.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), new(dns.Msg).SetQuestion("example.org.", dns.TypeA))
	if rc != dns.RcodeServerFailure || !errors.Is(err, ErrNoHealthy) {
		t.Errorf("got %d, %v; want SERVFAIL, %v", rc, err, ErrNoHealthy)
	}
}

func TestFallthroughZones(t *testing.T) {
	g := newGRPC()
	g.Fall.SetZonesFromArgs(nil)
	if !g.Fall.Equal(fall.Root) {
		t.Errorf("fallthrough without zones: %v, want root", g.Fall.Zones)
	}
}
