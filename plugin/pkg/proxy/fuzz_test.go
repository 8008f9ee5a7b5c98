package proxy

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// FuzzConnectReply feeds arbitrary upstream replies, given the query's ID,
// to Connect: it must return a reply to the query or an error, never panic.
func FuzzConnectReply(f *testing.F) {
	req := query("example.org.", dns.TypeA)
	good := new(dns.Msg)
	good.SetReply(req)
	good.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}
	wire, _ := good.Pack()
	f.Add(wire)
	f.Add(wire[:len(wire)-3]) // cut short
	f.Add(wire[:12])          // header only
	f.Add([]byte{0, 0, 0x81}) // shorter than a header
	f.Add(make([]byte, 600))  // zeros over 512 bytes
	f.Add([]byte("not a dns message at all"))

	var reply atomic.Pointer[[]byte]
	addr := rawUDPServerBytes(f, func(q []byte) [][]byte {
		out := append([]byte(nil), *reply.Load()...)
		if len(out) >= 2 && len(q) >= 2 {
			out[0], out[1] = q[0], q[1]
		}
		return [][]byte{out}
	})
	p := NewProxy("fuzz", addr, transport.DNS)
	p.SetReadTimeout(30 * time.Millisecond)
	p.Start(time.Second)
	defer p.Stop()

	f.Fuzz(func(t *testing.T, data []byte) {
		reply.Store(&data)
		m := query("example.org.", dns.TypeA)
		state := request.Request{W: &test.ResponseWriter{}, Req: m}
		ret, _, _, err := p.Connect(context.Background(), state, Options{})
		if err != nil {
			return
		}
		if ret.Id != m.Id || !sameQuestion(m, ret) {
			t.Fatalf("Connect returned a reply to another query: %v", ret)
		}
	})
}
