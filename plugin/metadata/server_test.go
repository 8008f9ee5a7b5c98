package metadata

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	_ "github.com/coredns/coredns/plugin/bind" // the bind directive of the test Corefile
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// echo is a test plugin that provides "echo/qname" and answers every query
// with a TXT record holding the value it finds under the label "echo/qname".
type echo struct{}

func (echo) Name() string { return "metadata_echo" }

func (echo) Metadata(ctx context.Context, state request.Request) context.Context {
	SetValueFunc(ctx, "echo/qname", func() string { return "seen " + state.Name() })
	return ctx
}

func (echo) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	value := "none"
	if f := ValueFunc(ctx, "echo/qname"); f != nil {
		value = f()
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{value}}}
	w.WriteMsg(m) //nolint:errcheck // test
	return dns.RcodeSuccess, nil
}

var registerEcho sync.Once

// TestServerCollects runs metadata in a real server: the server must call
// Collect before the chain, and setup must find the provider at start-up.
func TestServerCollects(t *testing.T) {
	registerEcho.Do(func() {
		plugin.Register("metadata_echo", func(c *caddy.Controller) error {
			for c.Next() {
			}
			dnsserver.GetConfig(c).AddPlugin(func(plugin.Handler) plugin.Handler { return echo{} })
			return nil
		})
	})
	saved := dnsserver.Directives
	dnsserver.Directives = append(append([]string{}, saved...), "metadata_echo")
	defer func() { dnsserver.Directives = saved }()

	corefile := `lab.test:0 {
		bind 127.0.0.1
		metadata inner.lab.test
		metadata_echo
	}`
	quiet := dnsserver.Quiet
	caddy.Quiet, dnsserver.Quiet = true, true
	defer func() { dnsserver.Quiet = quiet }()
	i, err := caddy.Start(caddy.CaddyfileInput{Contents: []byte(corefile), ServerTypeName: "dns", Filepath: "Corefile"})
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop() //nolint:errcheck // test

	var addr string
	for _, s := range i.Servers() {
		for _, a := range []net.Addr{s.LocalAddr(), s.Addr()} {
			if u, ok := a.(*net.UDPAddr); ok && u != nil {
				addr = u.String()
			}
		}
	}
	if addr == "" {
		t.Fatal("no UDP listener")
	}
	for qname, want := range map[string]string{
		"a.inner.lab.test.": "seen a.inner.lab.test.",
		"A.Inner.lab.test.": "seen a.inner.lab.test.",
		"outer.lab.test.":   "none",
	} {
		m := new(dns.Msg)
		m.SetQuestion(qname, dns.TypeTXT)
		resp, _, err := (&dns.Client{Net: "udp"}).Exchange(m, addr)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Answer) != 1 {
			t.Fatalf("%s: reply %v", qname, resp)
		}
		if got := strings.Join(resp.Answer[0].(*dns.TXT).Txt, ""); got != want {
			t.Errorf("%s: value %q, want %q", qname, got, want)
		}
	}
}
