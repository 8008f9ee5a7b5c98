package forward

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// BenchmarkForward measures the whole forward path against a local upstream,
// over UDP and TCP. Run with -benchmem: allocations per query matter.
func BenchmarkForward(b *testing.B) {
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}
		w.WriteMsg(m)
	})
	defer s.Close()

	for _, proto := range []string{"udp", "tcp"} {
		b.Run(proto, func(b *testing.B) {
			fs, err := parseForward(caddy.NewTestController("dns", "forward . "+s.Addr))
			if err != nil {
				b.Fatal(err)
			}
			f := fs[0]
			f.OnStartup()
			defer f.OnShutdown()

			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			w := &test.ResponseWriter{TCP: proto == "tcp"}
			ctx := context.Background()

			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := f.ServeDNS(ctx, w, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkForwardUDP measures forward's own cost over UDP: the upstream
// answers with a prebuilt record, so little of the time is its own. The
// fresh case serves every query on a new goroutine, as the server's UDP
// readers do under load, so stack growth on the forward path shows.
func BenchmarkForwardUDP(b *testing.B) {
	answer := []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = answer
		w.WriteMsg(m)
	})
	defer s.Close()

	for _, fresh := range []bool{false, true} {
		name := "reused"
		if fresh {
			name = "fresh"
		}
		b.Run(name, func(b *testing.B) {
			fs, err := parseForward(caddy.NewTestController("dns", "forward . "+s.Addr))
			if err != nil {
				b.Fatal(err)
			}
			f := fs[0]
			f.OnStartup()
			defer f.OnShutdown()

			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			w := &test.ResponseWriter{}
			ctx := context.Background()
			serve := func() error {
				_, err := f.ServeDNS(ctx, w, m)
				return err
			}
			errc := make(chan error)

			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if fresh {
					go func() { errc <- serve() }()
					err = <-errc
				} else {
					err = serve()
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
