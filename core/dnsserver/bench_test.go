package dnsserver_test

import (
	"context"
	"net"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/plugin/whoami"

	"github.com/miekg/dns"
)

func whoamiConfig(zone string) *dnsserver.Config {
	return &dnsserver.Config{Zone: zone, Port: "53", Transport: "dns", ListenHosts: []string{""},
		Plugin: []plugin.Plugin{func(plugin.Handler) plugin.Handler { return whoami.Whoami{} }}}
}

// fixedWriter discards replies and returns stored addresses, as the writers
// of a real server do, so the figures are the server's and the plugin's own.
type fixedWriter struct {
	test.ResponseWriter
	local, remote net.Addr
}

func (w *fixedWriter) LocalAddr() net.Addr  { return w.local }
func (w *fixedWriter) RemoteAddr() net.Addr { return w.remote }

func benchServeDNS(b *testing.B, zones []string, qname string, edns bool) {
	var group []*dnsserver.Config
	for _, z := range zones {
		group = append(group, whoamiConfig(z))
	}
	s, err := dnsserver.NewServer("dns://:53", group)
	if err != nil {
		b.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion(qname, dns.TypeA)
	if edns {
		r.SetEdns0(1232, false)
	}
	w := &fixedWriter{
		local:  &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 53},
		remote: &net.UDPAddr{IP: net.ParseIP("10.240.0.1"), Port: 40212},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s.ServeDNS(ctx, w, r)
	}
}

// BenchmarkServeDNS measures the server's own cost around a one-plugin chain
// (whoami) and the cost of picking a zone among several.
func BenchmarkServeDNS(b *testing.B) {
	three := []string{"example.org.", "a.example.org.", "example.net."}
	b.Run("whoami", func(b *testing.B) { benchServeDNS(b, []string{"."}, "www.example.org.", false) })
	b.Run("whoami-edns", func(b *testing.B) { benchServeDNS(b, []string{"."}, "www.example.org.", true) })
	b.Run("3zones-deep", func(b *testing.B) { benchServeDNS(b, three, "x.www.a.example.org.", false) })
	b.Run("3zones-upper", func(b *testing.B) { benchServeDNS(b, three, "WWW.Example.NET.", false) })
	b.Run("3zones-refused", func(b *testing.B) { benchServeDNS(b, three, "www.example.com.", false) })
}
