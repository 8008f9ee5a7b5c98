package rewrite

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// trivial answers every query with an empty reply.
var trivial = plugin.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
})

// answerA answers every query with one A record for the query name.
var answerA = plugin.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, 1}}}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
})

func benchRewrite(b *testing.B, corefile string, next plugin.Handler, qname string) {
	b.Helper()
	var h plugin.Handler = next
	if corefile != "" {
		rules, err := rewriteParse(caddy.NewTestController("dns", corefile))
		if err != nil {
			b.Fatal(err)
		}
		h = Rewrite{Next: next, Rules: rules}
	}
	req := new(dns.Msg)
	req.SetQuestion(qname, dns.TypeA)
	w := &test.ResponseWriter{}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeDNS(ctx, w, req)
	}
}

// BenchmarkBaseline is the trivial handler alone: subtract it from the
// others to get what rewrite costs.
func BenchmarkBaseline(b *testing.B) { benchRewrite(b, "", trivial, "www.example.org.") }

func BenchmarkRewriteNameSuffix(b *testing.B) {
	benchRewrite(b, `rewrite name suffix .example.org. .example.net.`, trivial, "www.example.org.")
}

func BenchmarkRewriteNameSuffixNoMatch(b *testing.B) {
	benchRewrite(b, `rewrite name suffix .example.org. .example.net.`, trivial, "www.example.com.")
}

func BenchmarkRewriteNameExact(b *testing.B) {
	benchRewrite(b, `rewrite name exact www.example.org. www.example.net.`, trivial, "www.example.org.")
}

func BenchmarkBaselineAnswer(b *testing.B) { benchRewrite(b, "", answerA, "www.example.org.") }

func BenchmarkRewriteNameSuffixAnswerAuto(b *testing.B) {
	benchRewrite(b, `rewrite name suffix .example.org. .example.net. answer auto`, answerA, "www.example.org.")
}

func BenchmarkRewriteNameRegex(b *testing.B) {
	benchRewrite(b, `rewrite name regex ^(.*)\.example\.org\.$ {1}.example.net.`, trivial, "www.example.org.")
}
