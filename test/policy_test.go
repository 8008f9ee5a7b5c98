package test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/plugin/whoami"

	"github.com/miekg/dns"
)

// policyCorefile puts rewrite, acl, view, template and whoami together.
// Clients in 127.0.0.0/30 get the "inside" block; everyone else the second.
//
// inside: TTLs are capped at 30 and names under policy.test are answered
// from inner.test; answer auto maps every name of the reply (additional
// section too) back, and the client gets its own question. Rewritten names
// come back in lower case, as the rewrite works on the lowered name. The
// acls run after rewrite and see the rewritten name: they are written for
// inner.test, and public.policy.test (rewritten to secret.inner.test) cannot
// slip past the block on secret.inner.test.
//
// outside: an EDNS0 option carrying the client's address is added on the way
// in (and reverted in the reply), names are rewritten for whoami, and TXT is
// refused.
const policyCorefile = `policy.test:0 {
    bind 127.0.0.1
    view inside {
        expr incidr(client_ip(), '127.0.0.0/30')
    }
    metadata
    rewrite continue ttl suffix .policy.test. 0-30
    rewrite continue name exact public.policy.test. secret.policy.test.
    rewrite name suffix .policy.test. .inner.test. answer auto
    acl secret.inner.test {
        block
    }
    acl inner.test {
        filter type AAAA
    }
    template IN A inner.test {
        answer "{{ .Name }} 300 IN A 10.0.0.1"
        additional "ns.inner.test. 3600 IN A 10.0.0.53"
    }
    template IN TXT inner.test {
        answer "{{ .Name }} 5 IN TXT \"view={{ .Meta ` + "`view/name`" + ` }}\""
    }
}
policy.test:0 {
    bind 127.0.0.1
    rewrite continue edns0 local set 0xffee {client_ip} revert
    rewrite name suffix .policy.test. .outer.test. answer auto
    acl outer.test {
        block type TXT
    }
    whoami
}`

func TestPolicy(t *testing.T) {
	i, err := CoreDNSServer(policyCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	// reply is the skeleton of an answer to q: the client's question, the
	// client's OPT record size when it sent one.
	reply := func(q *dns.Msg, rcode int, aa bool, answer, extra []dns.RR) *dns.Msg {
		m := new(dns.Msg)
		m.SetRcode(q, rcode)
		m.Authoritative = aa
		m.Answer = answer
		m.Extra = extra
		if o := q.IsEdns0(); o != nil {
			m.SetEdns0(o.UDPSize(), o.Do())
		}
		return m
	}
	type tcase struct {
		name  string
		qname string
		qtype uint16
		edns  bool // send an OPT record (size 1232)
		src   string
		want  func(q *dns.Msg, network string, port int) *dns.Msg
	}
	tests := []tcase{
		{
			name: "inside: name and ttl rewritten, client sees its own names", qname: "WWW.Policy.Test.", qtype: dns.TypeA, src: "127.0.0.1",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				return reply(q, dns.RcodeSuccess, true,
					[]dns.RR{test.A("www.policy.test. 30 IN A 10.0.0.1")},
					[]dns.RR{test.A("ns.policy.test. 30 IN A 10.0.0.53")})
			},
		},
		{
			name: "inside: with EDNS0 the reply keeps the client's buffer size", qname: "www.policy.test.", qtype: dns.TypeA, edns: true, src: "127.0.0.2",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				return reply(q, dns.RcodeSuccess, true,
					[]dns.RR{test.A("www.policy.test. 30 IN A 10.0.0.1")},
					[]dns.RR{test.A("ns.policy.test. 30 IN A 10.0.0.53")})
			},
		},
		{
			name: "inside: metadata reaches the template, short TTL kept", qname: "txt.policy.test.", qtype: dns.TypeTXT, src: "127.0.0.3",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				return reply(q, dns.RcodeSuccess, true, []dns.RR{test.TXT(`txt.policy.test. 5 IN TXT "view=inside"`)}, nil)
			},
		},
		{
			name: "inside: acl sees the rewritten name and blocks it", qname: "public.policy.test.", qtype: dns.TypeA, src: "127.0.0.1",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				return refusal(q, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
			},
		},
		{
			name: "inside: acl filter answers NOERROR without records", qname: "www.policy.test.", qtype: dns.TypeAAAA, edns: true, src: "127.0.0.1",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				// The server sizes the acl's OPT record to the client's
				// buffer; the DO bit the acl set stays, as upstream.
				m := refusal(q, dns.RcodeSuccess, dns.ExtendedErrorCodeFiltered)
				m.IsEdns0().SetUDPSize(1232)
				return m
			},
		},
		{
			name: "outside: whoami behind rewrite, option reverted", qname: "Me.Policy.Test.", qtype: dns.TypeA, edns: true, src: "127.0.0.9",
			want: func(q *dns.Msg, network string, port int) *dns.Msg {
				m := whoamiReply(q, network, "127.0.0.9", port)
				lowerNames(m)
				m.Extra = append(m.Extra, reply(q, 0, false, nil, nil).Extra...)
				return m
			},
		},
		{
			name: "outside: without EDNS0 the reply has no OPT record", qname: "me.policy.test.", qtype: dns.TypeA, src: "127.0.0.9",
			want: func(q *dns.Msg, network string, port int) *dns.Msg {
				m := whoamiReply(q, network, "127.0.0.9", port)
				lowerNames(m)
				return m
			},
		},
		{
			name: "outside: acl blocks TXT", qname: "me.policy.test.", qtype: dns.TypeTXT, src: "127.0.0.9",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				// The OPT record rewrite added for its option is reverted
				// with it: the client sent none, it gets none (and so no EDE).
				m := new(dns.Msg)
				m.SetRcode(q, dns.RcodeRefused)
				return m
			},
		},
		{
			name: "outside: acl blocks TXT, EDE kept for an EDNS0 client", qname: "me.policy.test.", qtype: dns.TypeTXT, edns: true, src: "127.0.0.9",
			want: func(q *dns.Msg, _ string, _ int) *dns.Msg {
				m := refusal(q, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
				m.IsEdns0().SetUDPSize(1232)
				return m
			},
		},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			if tc.edns {
				q.SetEdns0(1232, false)
			}
			got, port := queryFrom(t, network, addr, tc.src, q.Copy(), 2*time.Second)
			checkWhole(t, network+" "+tc.name, got, tc.want(q, network, port))
		}
	}
}

// lowerNames lowers the owner names of m's additional section: rewrite
// answers with the lowered form of the client's name.
func lowerNames(m *dns.Msg) {
	for _, rr := range m.Extra {
		rr.Header().Name = strings.ToLower(rr.Header().Name)
	}
}

// policyChain builds the chain "rewrite, acl, whoami" (plus any other
// directives, in the order given) from Corefile snippets with each plugin's
// own setup, as the server would, without starting a server.
func policyChain(tb testing.TB, directives ...string) plugin.Handler {
	tb.Helper()
	var h plugin.Handler = whoami.Whoami{}
	for k := len(directives) - 1; k >= 0; k-- {
		d := directives[k]
		name := strings.Fields(d)[0]
		setup, err := caddy.DirectiveAction("dns", name)
		if err != nil {
			tb.Fatal(err)
		}
		c := caddy.NewTestController("dns", d)
		c.ServerBlockKeys = []string{"policy.test.:53"}
		if err := setup(c); err != nil {
			tb.Fatalf("%s: %v", d, err)
		}
		plugins := dnsserver.GetConfig(c).Plugin
		if len(plugins) != 1 {
			tb.Fatalf("%s: %d plugins", d, len(plugins))
		}
		h = plugins[0](h)
	}
	return h
}

// BenchmarkPolicy measures a suffix rewrite and an acl in front of whoami,
// against whoami alone and each of the two alone.
func BenchmarkPolicy(b *testing.B) {
	const (
		rw  = "rewrite name suffix .policy.test. .inner.test. answer auto"
		acl = "acl inner.test {\n    block net 192.0.2.0/24\n    allow\n}"
	)
	for _, bc := range []struct {
		name       string
		directives []string
	}{
		{"whoami", nil},
		{"rewrite+whoami", []string{rw}},
		{"acl+whoami", []string{acl}},
		{"rewrite+acl+whoami", []string{rw, acl}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			h := policyChain(b, bc.directives...)
			q := new(dns.Msg)
			q.SetQuestion("www.policy.test.", dns.TypeA)
			w := &fixedAddrWriter{ResponseWriter: &test.ResponseWriter{}}
			ctx := context.Background()
			rec := dnstest.NewRecorder(w)
			if rc, err := h.ServeDNS(ctx, rec, q); err != nil || rc != dns.RcodeSuccess || rec.Msg == nil || rec.Msg.Question[0] != q.Question[0] {
				b.Fatalf("chain does not answer: rcode %d, err %v, reply %v", rc, err, rec.Msg)
			}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeDNS(ctx, w, q) //nolint:errcheck // measured, checked above
			}
		})
	}
}

// fixedAddrWriter returns addresses made once, as a server's writer does,
// so that the benchmark counts the plugins' allocations, not the writer's.
type fixedAddrWriter struct {
	*test.ResponseWriter
}

var (
	benchRemote = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1).To4(), Port: 40212}
	benchLocal  = &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1).To4(), Port: 53}
)

func (fixedAddrWriter) RemoteAddr() net.Addr { return benchRemote }
func (fixedAddrWriter) LocalAddr() net.Addr  { return benchLocal }
