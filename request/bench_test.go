package request

import (
	"net"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// fixedWriter returns stored addresses, as the writers of a real server do,
// so that the benchmarks measure Request and not the fake writer.
type fixedWriter struct {
	test.ResponseWriter
	local, remote net.Addr
}

func (w *fixedWriter) LocalAddr() net.Addr  { return w.local }
func (w *fixedWriter) RemoteAddr() net.Addr { return w.remote }

func newFixedWriter(remote string) *fixedWriter {
	return &fixedWriter{
		local:  &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 53},
		remote: &net.UDPAddr{IP: net.ParseIP(remote), Port: 40212},
	}
}

func BenchmarkRequestName(b *testing.B) {
	for _, qname := range []string{"www.example.org.", "WWW.Example.ORG."} {
		b.Run(qname, func(b *testing.B) {
			m := query(qname, dns.TypeA)
			w := newFixedWriter("10.240.0.1")
			b.ReportAllocs()
			for b.Loop() {
				st := Request{Req: m, W: w}
				_ = st.Name()
			}
		})
	}
}

func BenchmarkRequestSize(b *testing.B) {
	m := query("www.example.org.", dns.TypeA)
	m.SetEdns0(1232, false)
	w := newFixedWriter("10.240.0.1")
	b.ReportAllocs()
	for b.Loop() {
		st := Request{Req: m, W: w}
		_ = st.Size()
	}
}

func BenchmarkRequestSizeAndDo(b *testing.B) {
	q := query("www.example.org.", dns.TypeA)
	q.SetEdns0(1232, true)
	w := newFixedWriter("10.240.0.1")
	reply := new(dns.Msg)
	reply.SetReply(q)
	b.ReportAllocs()
	for b.Loop() {
		reply.Extra = reply.Extra[:0]
		st := Request{Req: q, W: w}
		st.SizeAndDo(reply)
	}
}

func BenchmarkRequestIP(b *testing.B) {
	for name, w := range map[string]dns.ResponseWriter{
		"v4": newFixedWriter("10.240.0.1"),
		"v6": newFixedWriter("2001:db8::53"),
	} {
		b.Run(name, func(b *testing.B) {
			m := query("www.example.org.", dns.TypeA)
			b.ReportAllocs()
			for b.Loop() {
				st := Request{Req: m, W: w}
				_ = st.IP()
			}
		})
	}
}
