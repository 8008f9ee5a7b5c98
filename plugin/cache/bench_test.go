package cache

import (
	"context"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// benchCache returns a cache holding apple.example.org. A (two records and
// an NS in the authority section) and a context like the server's.
func benchCache(b *testing.B) (*Cache, context.Context) {
	be := newBackend()
	be.set("apple.example.org.", dns.TypeA, answer(dns.RcodeSuccess, appleA, exampleNS))
	ca, _ := newTestCache(b, "cache", be)
	srv := &dnsserver.Server{Addr: "dns://127.0.0.1:53"}
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, srv)
	ask(b, ca, query("apple.example.org.", dns.TypeA))
	return ca, ctx
}

// BenchmarkHit measures a cache hit as the plugin sees it.
func BenchmarkHit(b *testing.B) {
	ca, ctx := benchCache(b)
	w := &test.ResponseWriter{}
	q := query("apple.example.org.", dns.TypeA)
	b.ReportAllocs()
	for b.Loop() {
		ca.ServeDNS(ctx, w, q)
	}
}

// BenchmarkHitScrubbed adds the server's scrub writer and an EDNS query,
// as a real UDP hit would see.
func BenchmarkHitScrubbed(b *testing.B) {
	ca, ctx := benchCache(b)
	q := query("apple.example.org.", dns.TypeA)
	q.SetEdns0(1232, false)
	ask(b, ca, q) // the EDNS query has the same key
	w := request.NewScrubWriter(q, &test.ResponseWriter{})
	b.ReportAllocs()
	for b.Loop() {
		ca.ServeDNS(ctx, w, q)
	}
}

// BenchmarkHitParallel checks that concurrent hits do not contend.
func BenchmarkHitParallel(b *testing.B) {
	ca, ctx := benchCache(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		w := &test.ResponseWriter{}
		q := query("apple.example.org.", dns.TypeA)
		for pb.Next() {
			ca.ServeDNS(ctx, w, q)
		}
	})
}
