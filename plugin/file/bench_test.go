package file

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// benchZone is a zone of 10,000 names plus a wildcard.
func benchZone(b *testing.B) File {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("$ORIGIN bench.test.\n$TTL 300\n@ IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "host-%d IN A 10.%d.%d.%d\n", i, i>>16&255, i>>8&255, i&255)
	}
	sb.WriteString("*.wild IN A 192.0.2.99\n")
	return newFile(b, "bench.test.", sb.String())
}

func benchServe(b *testing.B, qname string, typ uint16, wantRcode int) {
	f := benchZone(b)
	m := new(dns.Msg)
	m.SetQuestion(qname, typ)
	w := &test.ResponseWriter{}
	ctx := context.Background()
	// Check the answer once.
	rec := &recorder{ResponseWriter: w}
	f.ServeDNS(ctx, rec, m)
	if rec.msg == nil || rec.msg.Rcode != wantRcode {
		b.Fatalf("unexpected answer: %v", rec.msg)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f.ServeDNS(ctx, w, m)
	}
}

type recorder struct {
	*test.ResponseWriter
	msg *dns.Msg
}

func (r *recorder) WriteMsg(m *dns.Msg) error { r.msg = m; return nil }

func BenchmarkServePositive(b *testing.B) {
	benchServe(b, "host-4711.bench.test.", dns.TypeA, dns.RcodeSuccess)
}

func BenchmarkServeNXDOMAIN(b *testing.B) {
	benchServe(b, "nohost-4711.bench.test.", dns.TypeA, dns.RcodeNameError)
}

func BenchmarkServeWildcard(b *testing.B) {
	benchServe(b, "x-4711.wild.bench.test.", dns.TypeA, dns.RcodeSuccess)
}

func BenchmarkLookup(b *testing.B) {
	f := benchZone(b)
	z := f.Z["bench.test."]
	for _, tc := range []struct{ name, qname string }{
		{"positive", "host-4711.bench.test."},
		{"nodata", "host-4711.bench.test."},
		{"nxdomain", "nohost-4711.bench.test."},
		{"wildcard", "x-4711.wild.bench.test."},
	} {
		b.Run(tc.name, func(b *testing.B) {
			typ := dns.TypeA
			if tc.name == "nodata" {
				typ = dns.TypeMX
			}
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, typ)
			state := request.Request{W: &test.ResponseWriter{}, Req: m}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				z.Lookup(ctx, state, tc.qname)
			}
		})
	}
}
