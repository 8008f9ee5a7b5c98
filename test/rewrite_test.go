package test

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// startRewriteServer starts corefile and returns its UDP and TCP addresses.
func startRewriteServer(t *testing.T, corefile string) (*caddy.Instance, map[string]string) {
	t.Helper()
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	addrs := map[string]string{}
	for _, a := range []net.Addr{i.Servers()[0].LocalAddr(), i.Servers()[0].Addr()} {
		switch v := a.(type) {
		case *net.UDPAddr:
			addrs["udp"] = v.String()
		case *net.TCPAddr:
			addrs["tcp"] = v.String()
		}
	}
	if addrs["udp"] == "" || addrs["tcp"] == "" {
		i.Stop()
		t.Fatalf("no UDP or TCP address: %v", addrs)
	}
	return i, addrs
}

// rewriteExchange sends m over a connection of its own and returns the reply
// and the local port the query came from.
func rewriteExchange(t *testing.T, network, addr string, m *dns.Msg) (*dns.Msg, int) {
	t.Helper()
	c, err := net.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	co := &dns.Conn{Conn: c}
	if err := co.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	reply, err := co.ReadMsg()
	if err != nil {
		t.Fatalf("%s %s: %v", network, m.Question[0].Name, err)
	}
	if reply.Id != m.Id {
		t.Errorf("%s: reply id %d, query id %d", network, reply.Id, m.Id)
	}
	var port int
	switch a := c.LocalAddr().(type) {
	case *net.UDPAddr:
		port = a.Port
	case *net.TCPAddr:
		port = a.Port
	}
	return reply, port
}

// TestRewriteWhoami puts a suffix rewrite with answer auto in front of
// whoami: the client sees its own question and names, over UDP and TCP.
func TestRewriteWhoami(t *testing.T) {
	i, addrs := startRewriteServer(t, `example.org:0 {
    bind 127.0.0.1
    rewrite name suffix .example.org. .example.net. answer auto
    whoami
}`)
	defer CoreDNSServerStop(i)

	for _, network := range []string{"udp", "tcp"} {
		m := new(dns.Msg)
		m.SetQuestion("WWW.Example.Org.", dns.TypeA)
		reply, port := rewriteExchange(t, network, addrs[network], m)
		if reply.Question[0] != m.Question[0] {
			t.Errorf("%s: question %v, want %v", network, reply.Question[0], m.Question[0])
		}
		srv := test.SRV("_" + network + ".www.example.org. 0 IN SRV 0 0 0 .")
		srv.Port = uint16(port)
		want := test.Case{Qname: m.Question[0].Name, Qtype: dns.TypeA, Authoritative: true, Extra: []dns.RR{
			test.A("www.example.org. 0 IN A 127.0.0.1"),
			srv,
		}}
		if err := test.SortAndCheck(reply, want); err != nil {
			t.Errorf("%s: %v", network, err)
		}
		for _, rr := range reply.Extra {
			if srv, ok := rr.(*dns.SRV); ok && (srv.Port != uint16(port) || srv.Target != ".") {
				t.Errorf("%s: SRV record %v", network, srv)
			}
		}
		if reply.IsEdns0() != nil {
			t.Errorf("%s: reply to a query without EDNS0 has an OPT record", network)
		}
	}
}

// rewriteTemplateCorefile answers TXT queries with the EDNS0 options the
// template saw, so the test can tell what reached the end of the chain.
const rewriteTemplateCorefile = `example.org:0 {
    bind 127.0.0.1
    rewrite continue type SPF TXT
    rewrite continue name exact spf.example.org. txt.example.org.
    rewrite continue ttl exact txt.example.org. 30-
    rewrite continue edns0 local set 0xffee {qname} revert
    rewrite continue edns0 local unset 0xfffe
    rewrite continue rcode suffix .gone.example.org. NXDOMAIN NOERROR
    rewrite continue ttl suffix .gone.example.org. 7
    rewrite name suffix .old.example.org. .example.org. answer auto
    template IN TXT example.org {
        match ^(txt|www)\.example\.org\.$
        answer "{{ .Name }} 5 IN TXT \"{{ with .Message.IsEdns0 }}{{ range .Option }}{{ .String }};{{ end }}{{ end }}\""
    }
    template IN ANY gone.example.org {
        rcode NXDOMAIN
        authority "example.org. 300 IN SOA ns.example.org. hostmaster.example.org. 1 2 3 4 5"
    }
}`

func TestRewriteTemplate(t *testing.T) {
	i, addrs := startRewriteServer(t, rewriteTemplateCorefile)
	defer CoreDNSServerStop(i)

	soa := test.SOA("example.org. 7 IN SOA ns.example.org. hostmaster.example.org. 1 2 3 4 5")
	tests := []struct {
		name   string
		qname  string
		qtype  uint16
		opts   []dns.EDNS0 // nil: no EDNS0
		want   test.Case
		optOut []string // the options of the reply's OPT record
	}{
		{
			name:  "type, name, ttl and a reverted option",
			qname: "Spf.Example.Org.", qtype: dns.TypeSPF,
			opts: []dns.EDNS0{&dns.EDNS0_LOCAL{Code: 0xfffe, Data: []byte("internal")}},
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.TXT(`spf.example.org. 30 IN TXT "65518:0x7478742e6578616d706c652e6f72672e;"`),
			}},
			optOut: []string{},
		},
		{
			name:  "no EDNS0 from the client, none in the reply",
			qname: "spf.example.org.", qtype: dns.TypeTXT,
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.TXT(`spf.example.org. 30 IN TXT "65518:0x7478742e6578616d706c652e6f72672e;"`),
			}},
		},
		{
			name:  "suffix with answer auto",
			qname: "www.old.example.org.", qtype: dns.TypeTXT,
			opts: []dns.EDNS0{},
			want: test.Case{Authoritative: true, Answer: []dns.RR{
				test.TXT(`www.old.example.org. 5 IN TXT "65518:0x7777772e6f6c642e6578616d706c652e6f72672e;"`),
			}},
			optOut: []string{},
		},
		{
			name:  "rcode and ttl",
			qname: "x.gone.example.org.", qtype: dns.TypeA,
			opts:   []dns.EDNS0{},
			want:   test.Case{Authoritative: true, Ns: []dns.RR{soa}},
			optOut: []string{},
		},
		{
			name:  "the chain fails: rewrite writes the error with the client's question",
			qname: "other.old.example.org.", qtype: dns.TypeA,
			want: test.Case{Rcode: dns.RcodeServerFailure},
		},
	}
	for _, network := range []string{"udp", "tcp"} {
		for _, tc := range tests {
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, tc.qtype)
			if tc.opts != nil {
				m.SetEdns0(1232, false)
				m.IsEdns0().Option = tc.opts
			}
			reply, _ := rewriteExchange(t, network, addrs[network], m)
			if len(reply.Question) != 1 || reply.Question[0] != m.Question[0] {
				t.Errorf("%s %s: question %v, want %v", network, tc.name, reply.Question, m.Question[0])
			}
			// Record text compares every field; SortAndCheck the header.
			want := tc.want
			want.Qname, want.Qtype = tc.qname, tc.qtype
			if tc.optOut != nil {
				want.Extra = []dns.RR{reply.IsEdns0()}
			}
			if err := test.SortAndCheck(reply, want); err != nil {
				t.Errorf("%s %s: %v", network, tc.name, err)
			}
			for k, pair := range [][2][]dns.RR{{reply.Answer, want.Answer}, {reply.Ns, want.Ns}} {
				if g, w := rrStrings(pair[0]), rrStrings(pair[1]); !slices.Equal(g, w) {
					t.Errorf("%s %s: section %d\n got  %q\n want %q", network, tc.name, k, g, w)
				}
			}
			o := reply.IsEdns0()
			switch {
			case tc.optOut == nil && o != nil:
				t.Errorf("%s %s: unexpected OPT record %v", network, tc.name, o)
			case tc.optOut != nil && o == nil:
				t.Errorf("%s %s: no OPT record", network, tc.name)
			case o != nil:
				var got []string
				for _, e := range o.Option {
					got = append(got, e.String())
				}
				if !slices.Equal(got, tc.optOut) && len(got)+len(tc.optOut) > 0 {
					t.Errorf("%s %s: reply options %q, want %q", network, tc.name, got, tc.optOut)
				}
				if o.UDPSize() != 1232 {
					t.Errorf("%s %s: reply buffer size %d", network, tc.name, o.UDPSize())
				}
			}
		}
	}
}

func rrStrings(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.String())
	}
	slices.Sort(out)
	return out
}

// TestRewriteBadCorefile checks a bad rule stops the server from starting,
// with the file and line in the error.
func TestRewriteBadCorefile(t *testing.T) {
	for _, tc := range []struct{ corefile, err string }{
		{"example.org:0 {\n    bind 127.0.0.1\n    rewrite name regex (.* x\n    whoami\n}", "Corefile:3"},
		{"example.org:0 {\n    bind 127.0.0.1\n    rewrite ttl example.org. 300-30\n}", "Corefile:3"},
		{"example.org:0 {\n    rewrite stop {\n        name suffix .a. .b.\n        answer bogus\n    }\n}", "Corefile:2"},
	} {
		i, err := CoreDNSServer(tc.corefile)
		if err == nil {
			i.Stop()
			t.Errorf("%q: expected the server not to start", tc.corefile)
			continue
		}
		if !strings.Contains(err.Error(), "plugin/rewrite: "+tc.err) {
			t.Errorf("%q: error %q does not name %s", tc.corefile, err, tc.err)
		}
	}
}
