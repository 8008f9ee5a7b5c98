package acl

import (
	"context"
	"net"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// next answers every query with one A record, so an allowed query is easy
// to tell from a blocked one.
var next = test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{test.A(r.Question[0].Name + " 5 IN A 192.0.2.1")}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
})

const (
	allowed  = "allowed"
	blocked  = "blocked"
	filtered = "filtered"
	dropped  = "dropped"
)

func newACL(t *testing.T, corefile string) *ACL {
	t.Helper()
	c := caddy.NewTestController("dns", corefile)
	c.ServerBlockKeys = []string{"example.org.:53"}
	a, err := parse(c)
	if err != nil {
		t.Fatalf("parse %q: %v", corefile, err)
	}
	a.Next = next
	return a
}

// wantResponse builds the whole message the client should see.
func wantResponse(q *dns.Msg, outcome string) *dns.Msg {
	m := new(dns.Msg)
	switch outcome {
	case dropped:
		return nil
	case allowed:
		m.SetReply(q)
		m.Authoritative = true
		m.Answer = []dns.RR{test.A(q.Question[0].Name + " 5 IN A 192.0.2.1")}
		return m
	case blocked:
		m.SetRcode(q, dns.RcodeRefused)
		m.SetEdns0(4096, true)
		m.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeBlocked}}
	case filtered:
		m.SetRcode(q, dns.RcodeSuccess)
		m.SetEdns0(4096, true)
		m.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeFiltered}}
	}
	return m
}

func TestServeDNS(t *testing.T) {
	const golden = `acl {
		drop net 127.0.0.66
		block type MX
		filter type AAAA net 127.0.0.0/24
		allow net 127.0.0.10 127.0.1.0/24
		block net 127.0.0.0/24
		block type TXT net ::1
	}
	acl vault.example.org {
		allow net 127.0.0.11
		filter
	}`
	tests := []struct {
		name     string
		corefile string
		qname    string
		qtype    uint16
		src      string
		want     string
	}{
		{"drop first", golden, "host.example.org.", dns.TypeA, "127.0.0.66", dropped},
		{"block type before allow", golden, "host.example.org.", dns.TypeMX, "127.0.0.10", blocked},
		{"block type any source", golden, "host.example.org.", dns.TypeMX, "10.1.1.1", blocked},
		{"filter type and net", golden, "host.example.org.", dns.TypeAAAA, "127.0.0.10", filtered},
		{"filter skipped outside net", golden, "host.example.org.", dns.TypeAAAA, "127.0.1.9", allowed},
		{"allow bare ip", golden, "host.example.org.", dns.TypeA, "127.0.0.10", allowed},
		{"allow cidr", golden, "host.example.org.", dns.TypeA, "127.0.1.9", allowed},
		{"block cidr", golden, "host.example.org.", dns.TypeA, "127.0.0.20", blocked},
		{"no match allows", golden, "host.example.org.", dns.TypeA, "127.5.5.5", allowed},
		{"ipv6 source", golden, "host.example.org.", dns.TypeTXT, "::1", blocked},
		{"ipv6 other type", golden, "host.example.org.", dns.TypeA, "::1", allowed},
		{"first rule decides", golden, "vault.example.org.", dns.TypeA, "127.0.0.11", blocked},
		{"first rule allows", golden, "vault.example.org.", dns.TypeA, "127.0.1.12", allowed},
		{"second rule reached", golden, "inner.vault.example.org.", dns.TypeA, "127.9.0.1", filtered},
		{"second rule own zone only", golden, "other.example.org.", dns.TypeA, "127.9.0.1", allowed},
		{"case of qname ignored", golden, "INNER.Vault.example.ORG.", dns.TypeA, "127.9.0.1", filtered},
		{"zone outside rules", `acl example.net {
			block
		}`, "example.org.", dns.TypeA, "10.0.0.1", allowed},
		{"wildcards", `acl {
			block type * net *
		}`, "a.example.org.", dns.TypeSRV, "2001:db8::1", blocked},
		{"empty policy matches all", `acl {
			drop
		}`, "a.example.org.", dns.TypeA, "10.0.0.1", dropped},
		{"several types", `acl {
			block type A AAAA
		}`, "a.example.org.", dns.TypeAAAA, "10.0.0.1", blocked},
		{"several types miss", `acl {
			block type A AAAA
		}`, "a.example.org.", dns.TypeMX, "10.0.0.1", allowed},
		{"net before type", `acl {
			block net 10.0.0.0/8 type A
		}`, "a.example.org.", dns.TypeA, "10.2.3.4", blocked},
		{"ipv6 cidr", `acl {
			block net 2001:db8::/32
		}`, "a.example.org.", dns.TypeA, "2001:db8:1::5", blocked},
		{"ipv6 cidr miss", `acl {
			block net 2001:db8::/32
		}`, "a.example.org.", dns.TypeA, "2001:db9::5", allowed},
		{"ipv4 net ipv6 client", `acl {
			block net 0.0.0.0/0
		}`, "a.example.org.", dns.TypeA, "2001:db8::5", allowed},
		{"mapped client", `acl {
			block net 10.0.0.0/8
		}`, "a.example.org.", dns.TypeA, "::ffff:10.1.2.3", blocked},
		{"mapped net", `acl {
			block net ::ffff:10.0.0.0/104
		}`, "a.example.org.", dns.TypeA, "10.1.2.3", blocked},
		{"allow then block", `acl {
			allow type A
			block
		}`, "a.example.org.", dns.TypeA, "10.1.2.3", allowed},
		{"allow stops later rules", `acl {
			allow net 10.0.0.0/8
		}
		acl {
			block
		}`, "a.example.org.", dns.TypeA, "10.1.2.3", allowed},
		{"no decision falls to next rule", `acl {
			allow net 10.0.0.0/8
		}
		acl {
			block
		}`, "a.example.org.", dns.TypeA, "192.0.2.3", blocked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := newACL(t, tc.corefile)
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			rec := dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: tc.src})
			rc, err := a.ServeDNS(context.Background(), rec, q)
			if err != nil || rc != dns.RcodeSuccess {
				t.Fatalf("ServeDNS returned %d, %v; want 0, nil", rc, err)
			}
			want := wantResponse(q, tc.want)
			if want == nil {
				if rec.Msg != nil {
					t.Fatalf("got a response, want none:\n%s", rec.Msg)
				}
				return
			}
			if rec.Msg == nil {
				t.Fatalf("got no response, want:\n%s", want)
			}
			if got, exp := rec.Msg.String(), want.String(); got != exp {
				t.Errorf("response:\n%s\nwant:\n%s", got, exp)
			}
		})
	}
}

// TestServeDNSQueryEDNS checks that a refusal to a query that carries EDNS
// still has one OPT record, with the EDE option.
func TestServeDNSQueryEDNS(t *testing.T) {
	a := newACL(t, `acl {
			block
		}`)
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	q.SetEdns0(1232, false)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	a.ServeDNS(context.Background(), rec, q)
	if rec.Msg == nil {
		t.Fatal("no response")
	}
	if rec.Msg.Rcode != dns.RcodeRefused || rec.Msg.Authoritative || !rec.Msg.RecursionDesired {
		t.Errorf("header: %s", &rec.Msg.MsgHdr)
	}
	opt := rec.Msg.IsEdns0()
	if opt == nil || len(rec.Msg.Extra) != 1 || len(opt.Option) != 1 {
		t.Fatalf("want one OPT with one option, got %v", rec.Msg.Extra)
	}
	if ede, ok := opt.Option[0].(*dns.EDNS0_EDE); !ok || ede.InfoCode != dns.ExtendedErrorCodeBlocked || ede.ExtraText != "" {
		t.Errorf("option: %v", opt.Option[0])
	}
}

// BenchmarkServeDNSAllow measures the path nearly every query takes: several
// policies checked, none matching, the query passed on.
func BenchmarkServeDNSAllow(b *testing.B) {
	c := caddy.NewTestController("dns", `acl {
		drop net 192.0.2.66
		block type MX
		filter type AAAA net 192.0.2.0/24 2001:db8::/32
		allow net 192.0.2.10 198.51.100.0/24
		block net 192.0.2.0/24
	}`)
	c.ServerBlockKeys = []string{"example.org.:53"}
	a, err := parse(c)
	if err != nil {
		b.Fatal(err)
	}
	a.Next = test.HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		return dns.RcodeSuccess, nil
	})
	q := new(dns.Msg)
	q.SetQuestion("www.example.org.", dns.TypeA)
	w := &fixedAddrWriter{ResponseWriter: &test.ResponseWriter{}, addr: &net.UDPAddr{IP: net.ParseIP("203.0.113.7"), Port: 40212}}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		a.ServeDNS(ctx, w, q)
	}
}

// fixedAddrWriter reports one remote address without allocating, as the
// writers of a real server do.
type fixedAddrWriter struct {
	dns.ResponseWriter
	addr net.Addr
}

func (w *fixedAddrWriter) RemoteAddr() net.Addr { return w.addr }
