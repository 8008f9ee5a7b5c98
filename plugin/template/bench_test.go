package template

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// discard is a writer that drops responses without recording them.
type discard struct{ test.ResponseWriter }

func (discard) WriteMsg(*dns.Msg) error { return nil }

func BenchmarkTemplateMatch(b *testing.B) {
	h := newBenchHandler(b, labTemplates)
	m := new(dns.Msg)
	m.SetQuestion("ip-4-20.lab.test.", dns.TypeA)
	w := &discard{}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rc, err := h.ServeDNS(ctx, w, m); rc != dns.RcodeSuccess || err != nil {
			b.Fatal(rc, err)
		}
	}
}

func BenchmarkTemplateExpr(b *testing.B) {
	h := newBenchHandler(b, labTemplates)
	m := new(dns.Msg)
	m.SetQuestion("v6-ab.lab.test.", dns.TypeAAAA)
	w := &discard{test.ResponseWriter{RemoteIP: "127.0.0.1"}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rc, err := h.ServeDNS(ctx, w, m); rc != dns.RcodeSuccess || err != nil {
			b.Fatal(rc, err)
		}
	}
}

// A query that no template takes costs little.
func BenchmarkTemplateMiss(b *testing.B) {
	h := newBenchHandler(b, labTemplates)
	h.Next = test.NextHandler(dns.RcodeSuccess, nil)
	m := new(dns.Msg)
	m.SetQuestion("plain.lab.test.", dns.TypeCNAME)
	w := &discard{}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeDNS(ctx, w, m) //nolint:errcheck // benchmark
	}
}

func newBenchHandler(b *testing.B, input string) Handler {
	b.Helper()
	return newHandler(b, input, "lab.test.:53", "99.10.in-addr.arpa.:53")
}
