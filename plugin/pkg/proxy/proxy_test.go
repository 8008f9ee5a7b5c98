package proxy

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// protoEcho answers every query with an A record and a TXT record naming the
// transport the query came over.
func protoEcho(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	name := r.Question[0].Name
	m.Answer = append(m.Answer,
		test.A(name+" 300 IN A 192.0.2.1"),
		test.TXT(name+" 300 IN TXT \""+w.RemoteAddr().Network()+"\""))
	w.WriteMsg(m)
}

// newTestProxy returns a started proxy for addr that is stopped with the test.
func newTestProxy(t *testing.T, addr string) *Proxy {
	t.Helper()
	p := NewProxy("test", addr, transport.DNS)
	p.Start(100 * time.Millisecond)
	t.Cleanup(p.Stop)
	return p
}

func query(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	return m
}

func TestConnect(t *testing.T) {
	s := dnstest.NewServer(protoEcho)
	defer s.Close()
	p := newTestProxy(t, s.Addr)

	tests := []struct {
		name      string
		clientTCP bool
		opts      Options
		wantProto string
	}{
		{"udp client", false, Options{}, "udp"},
		{"tcp client", true, Options{}, "tcp"},
		{"force_tcp", false, Options{ForceTCP: true}, "tcp"},
		{"prefer_udp over tcp", true, Options{PreferUDP: true}, "udp"},
		{"force_tcp wins", true, Options{ForceTCP: true, PreferUDP: true}, "tcp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := query("example.org.", dns.TypeA)
			state := request.Request{W: &test.ResponseWriter{TCP: tc.clientTCP}, Req: req}
			ret, local, proto, err := p.Connect(context.Background(), state, tc.opts)
			if err != nil {
				t.Fatalf("Connect: %v", err)
			}
			if proto != tc.wantProto {
				t.Errorf("proto = %q, want %q", proto, tc.wantProto)
			}
			if local == nil {
				t.Error("no local address returned")
			}
			if ret.Id != req.Id {
				t.Errorf("reply ID %d, want %d", ret.Id, req.Id)
			}
			err = test.SortAndCheck(ret, test.Case{
				Qname: "example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{
					test.A("example.org. 300 IN A 192.0.2.1"),
					test.TXT("example.org. 300 IN TXT \"" + tc.wantProto + "\""),
				},
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
}

func TestConnectInvalidRequest(t *testing.T) {
	p := newTestProxy(t, "127.0.0.1:1")
	state := request.Request{W: &test.ResponseWriter{}, Req: new(dns.Msg)}
	if _, _, _, err := p.Connect(context.Background(), state, Options{}); !errors.Is(err, ErrInvalidRequest) {
		t.Fatalf("err = %v, want ErrInvalidRequest", err)
	}
}

// rawUDPServer answers each datagram with the messages reply returns, and
// stops with the test.
func rawUDPServer(t *testing.T, reply func(req *dns.Msg) []*dns.Msg) string {
	t.Helper()
	return rawUDPServerBytes(t, func(q []byte) [][]byte {
		req := new(dns.Msg)
		if req.Unpack(q) != nil {
			return nil
		}
		var out [][]byte
		for _, m := range reply(req) {
			if b, err := m.Pack(); err == nil {
				out = append(out, b)
			}
		}
		return out
	})
}

// rawUDPServerBytes answers each datagram with the datagrams reply returns;
// it stops with the test.
func rawUDPServerBytes(t testing.TB, reply func(q []byte) [][]byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			for _, out := range reply(buf[:n]) {
				pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

func TestConnectDropsMismatchedReplies(t *testing.T) {
	addr := rawUDPServer(t, func(req *dns.Msg) []*dns.Msg {
		wrongID := new(dns.Msg)
		wrongID.SetReply(req)
		wrongID.Id = req.Id + 1
		wrongID.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.66")}

		wrongQ := new(dns.Msg)
		wrongQ.SetReply(req)
		wrongQ.Question[0].Name = "victim.example."
		wrongQ.Answer = []dns.RR{test.A("victim.example. 300 IN A 192.0.2.66")}

		good := new(dns.Msg)
		good.SetReply(req)
		good.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}
		return []*dns.Msg{wrongID, wrongQ, good}
	})
	p := newTestProxy(t, addr)

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	ret, _, _, err := p.Connect(context.Background(), state, Options{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	err = test.SortAndCheck(ret, test.Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")},
	})
	if err != nil {
		t.Error(err)
	}
}

func TestConnectOnlyMismatchedRepliesTimesOut(t *testing.T) {
	addr := rawUDPServer(t, func(req *dns.Msg) []*dns.Msg {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Id = req.Id ^ 0xffff
		return []*dns.Msg{m}
	})
	p := newTestProxy(t, addr)
	p.SetReadTimeout(150 * time.Millisecond)

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	start := time.Now()
	_, _, _, err := p.Connect(context.Background(), state, Options{})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > time.Second {
		t.Errorf("gave up after %v, want about the read timeout", d)
	}
}

func TestConnectSlowUpstream(t *testing.T) {
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		time.Sleep(400 * time.Millisecond)
		protoEcho(w, r)
	})
	defer s.Close()
	p := newTestProxy(t, s.Addr)
	p.SetReadTimeout(100 * time.Millisecond)

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	_, _, _, err := p.Connect(context.Background(), state, Options{})
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

// bigAnswer returns a reply to req with n A records, far over 512 bytes.
func bigAnswer(req *dns.Msg, n int) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	for i := range n {
		m.Answer = append(m.Answer, test.A("example.org. 300 IN A 192.0.2."+strconv.Itoa(i+1)))
	}
	return m
}

func TestConnectOversizedUDPReplyIsTruncated(t *testing.T) {
	// The upstream ignores the 512 byte limit of a client without EDNS.
	addr := rawUDPServer(t, func(req *dns.Msg) []*dns.Msg { return []*dns.Msg{bigAnswer(req, 60)} })
	p := newTestProxy(t, addr)

	req := query("example.org.", dns.TypeA)
	state := request.Request{W: &test.ResponseWriter{}, Req: req}
	ret, _, proto, err := p.Connect(context.Background(), state, Options{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if proto != "udp" {
		t.Errorf("proto = %q, want udp", proto)
	}
	err = test.SortAndCheck(ret, test.Case{
		Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true, Truncated: true,
	})
	if err != nil {
		t.Error(err)
	}
	if ret.Id != req.Id {
		t.Errorf("reply ID %d, want %d", ret.Id, req.Id)
	}

	// A client with a large enough buffer gets the whole answer.
	req = query("example.org.", dns.TypeA)
	req.SetEdns0(4096, false)
	state = request.Request{W: &test.ResponseWriter{}, Req: req}
	ret, _, _, err = p.Connect(context.Background(), state, Options{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if ret.Truncated || len(ret.Answer) != 60 {
		t.Errorf("got TC=%v with %d answers, want the 60 answers", ret.Truncated, len(ret.Answer))
	}
}

func TestConnectUpstreamTruncationPassesThrough(t *testing.T) {
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Truncated = true
		w.WriteMsg(m)
	})
	defer s.Close()
	p := newTestProxy(t, s.Addr)

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	ret, _, _, err := p.Connect(context.Background(), state, Options{})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if err := test.SortAndCheck(ret, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Truncated: true}); err != nil {
		t.Error(err)
	}
}

func counterValue(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestConnectReusesConnections(t *testing.T) {
	s := dnstest.NewServer(protoEcho)
	defer s.Close()
	p := NewProxy("reuse", s.Addr, transport.DNS)
	p.Start(time.Second)
	defer p.Stop()

	for _, proto := range []string{"udp", "tcp"} {
		state := request.Request{W: &test.ResponseWriter{TCP: proto == "tcp"}, Req: query("example.org.", dns.TypeA)}
		var locals []string
		for range 3 {
			_, local, _, err := p.Connect(context.Background(), state, Options{})
			if err != nil {
				t.Fatalf("%s: Connect: %v", proto, err)
			}
			locals = append(locals, local.String())
		}
		if locals[0] != locals[1] || locals[1] != locals[2] {
			t.Errorf("%s: queries went out from %v, want one reused socket", proto, locals)
		}
		hits := counterValue(t, connCacheHitsCount.WithLabelValues("reuse", s.Addr, proto))
		misses := counterValue(t, connCacheMissesCount.WithLabelValues("reuse", s.Addr, proto))
		if hits != 2 || misses != 1 {
			t.Errorf("%s: cache hits %v misses %v, want 2 and 1", proto, hits, misses)
		}
	}
}

func TestConnectCachedClosed(t *testing.T) {
	// A TCP upstream that closes the connection after each reply.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			dc := &dns.Conn{Conn: c}
			if r, err := dc.ReadMsg(); err == nil {
				m := new(dns.Msg)
				m.SetReply(r)
				dc.WriteMsg(m)
			}
			c.Close()
		}
	}()
	p := newTestProxy(t, l.Addr().String())

	state := request.Request{W: &test.ResponseWriter{TCP: true}, Req: query("example.org.", dns.TypeA)}
	if _, _, _, err := p.Connect(context.Background(), state, Options{}); err != nil {
		t.Fatalf("first Connect: %v", err)
	}
	time.Sleep(50 * time.Millisecond) // let the close arrive
	if _, _, _, err := p.Connect(context.Background(), state, Options{}); !errors.Is(err, ErrCachedClosed) {
		t.Fatalf("second Connect: err = %v, want ErrCachedClosed", err)
	}
	if _, _, _, err := p.Connect(context.Background(), state, Options{}); err != nil {
		t.Fatalf("third Connect on a fresh connection: %v", err)
	}
}

func TestConnectRecordsDuration(t *testing.T) {
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNameError)
		w.WriteMsg(m)
	})
	defer s.Close()
	p := NewProxy("duration", s.Addr, transport.DNS)
	p.Start(time.Second)
	defer p.Stop()

	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	for range 2 {
		if _, _, _, err := p.Connect(context.Background(), state, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	var m dto.Metric
	h := requestDuration.WithLabelValues("duration", s.Addr, "NXDOMAIN")
	if err := h.(interface{ Write(*dto.Metric) error }).Write(&m); err != nil {
		t.Fatal(err)
	}
	if got := m.GetHistogram().GetSampleCount(); got != 2 {
		t.Errorf("request_duration_seconds count = %d, want 2", got)
	}
}

func TestDown(t *testing.T) {
	p := NewProxy("test", "127.0.0.1:1", transport.DNS)
	tests := []struct {
		fails, maxfails uint32
		down            bool
	}{
		{0, 2, false},
		{2, 2, false},
		{3, 2, true},
		{100, 0, false},
	}
	for _, tc := range tests {
		p.fails = tc.fails
		if got := p.Down(tc.maxfails); got != tc.down {
			t.Errorf("fails %d, max_fails %d: Down = %v, want %v", tc.fails, tc.maxfails, got, tc.down)
		}
	}
}

func TestStoppedProxy(t *testing.T) {
	s := dnstest.NewServer(protoEcho)
	defer s.Close()
	p := NewProxy("test", s.Addr, transport.DNS)
	p.Start(time.Second)
	p.Stop()
	state := request.Request{W: &test.ResponseWriter{}, Req: query("example.org.", dns.TypeA)}
	_, _, _, err := p.Connect(context.Background(), state, Options{})
	if err == nil || !strings.Contains(err.Error(), ErrTransportStopped) {
		t.Fatalf("err = %v, want %q", err, ErrTransportStopped)
	}
}
