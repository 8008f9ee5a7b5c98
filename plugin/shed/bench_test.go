package shed

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// countWriter counts the writes that reach it and discards them.
type countWriter struct{ n atomic.Int64 }

func (w *countWriter) Write(b []byte) (int, error) { w.n.Add(1); return len(b), nil }

// packed is a typical response: an A record for a short name.
func packed(b *testing.B) []byte {
	m := new(dns.Msg)
	m.SetQuestion("www.example.org.", dns.TypeA)
	m.Response = true
	m.Answer = []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1")}
	buf, err := m.Pack()
	if err != nil {
		b.Fatal(err)
	}
	return buf
}

// sink keeps the decorated writers on the heap, as the server's writer does.
var sink dns.Writer

// signalWriter reports every write on a channel.
type signalWriter struct{ c chan struct{} }

func (w *signalWriter) Write(b []byte) (int, error) { w.c <- struct{}{}; return len(b), nil }

// BenchmarkDecoratedWrite is what shed adds to one UDP response when the
// socket keeps up: the server decorates the query's writer and writes the
// packed response, which is copied, queued, handed to the socket's writer
// goroutine and written; each op waits for its write.
func BenchmarkDecoratedWrite(b *testing.B) {
	s := newSocket("dns://bench-write:53")
	defer s.close()
	var decorate dns.DecorateWriter = s.decorate
	w := &signalWriter{c: make(chan struct{})}
	buf := packed(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sink = decorate(w)
		sink.Write(buf) //nolint:errcheck // never fails
		<-w.c
	}
}

// BenchmarkDecoratedWriteFlood writes as fast as one goroutine (or, with
// Parallel, one a CPU) can, while the writer goroutine drains: the writer
// cannot keep up and the oldest responses are evicted. The timer stops once
// every response is written or evicted.
func BenchmarkDecoratedWriteFlood(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		label := "Serial"
		if parallel {
			label = "Parallel"
		}
		b.Run(label, func(b *testing.B) {
			server := "dns://bench-flood-" + label + ":53"
			s := newSocket(server)
			defer s.close()
			var decorate dns.DecorateWriter = s.decorate
			w := &countWriter{}
			buf := packed(b)
			evicted0 := dropped(server, reasonEvicted)
			b.ReportAllocs()
			b.ResetTimer()
			if parallel {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						decorate(w).Write(buf) //nolint:errcheck // never fails
					}
				})
			} else {
				for range b.N {
					sink = decorate(w)
					sink.Write(buf) //nolint:errcheck // never fails
				}
			}
			for float64(w.n.Load())+dropped(server, reasonEvicted)-evicted0 < float64(b.N) {
				runtime.Gosched()
			}
			b.StopTimer()
			b.ReportMetric((dropped(server, reasonEvicted)-evicted0)/float64(b.N), "evicted/op")
		})
	}
}

// BenchmarkPushPop is the stack alone: one push and one pop, no goroutine.
func BenchmarkPushPop(b *testing.B) {
	s := parked("dns://bench-pushpop:53")
	w := &countWriter{}
	buf := packed(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.push(w, buf)
		p, _ := s.pop()
		putBuf(p.buf)
	}
}

// BenchmarkServeDNS is the handler passing a UDP query on while its socket
// has room.
func BenchmarkServeDNS(b *testing.B) {
	benchServeDNS(b, false)
}

// BenchmarkServeDNSFull is the handler dropping a UDP query.
func BenchmarkServeDNSFull(b *testing.B) {
	benchServeDNS(b, true)
}

func benchServeDNS(b *testing.B, full bool) {
	srv := &dnsserver.Server{Addr: "dns://bench-serve:53"}
	reg := newRegistry()
	reg.decorator(srv)
	s := reg.lookup(srv)
	s.running = true
	if full {
		for range stackSize {
			s.push(&countWriter{}, []byte("x"))
		}
	}
	next := plugin.HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		return dns.RcodeSuccess, nil
	})
	h := &Shed{Next: next, reg: reg}
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, srv)
	w := &test.ResponseWriter{}
	r := new(dns.Msg).SetQuestion("www.example.org.", dns.TypeA)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		h.ServeDNS(ctx, w, r) //nolint:errcheck // never fails
	}
}
