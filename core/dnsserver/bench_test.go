package dnsserver_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
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

// discardConn is a net.PacketConn that drops what is written to it.
type discardConn struct{ net.PacketConn }

func (discardConn) WriteTo(b []byte, _ net.Addr) (int, error) { return len(b), nil }
func (discardConn) LocalAddr() net.Addr {
	return &net.UDPAddr{IP: net.ParseIP("127.0.0.1"), Port: 53}
}

// BenchmarkUDPPath measures what the UDP server does for one packet, bar the
// system calls: unpack, ServeDNS through whoami, pack and write.
func BenchmarkUDPPath(b *testing.B) {
	s, err := dnsserver.NewServer("dns://:53", []*dnsserver.Config{whoamiConfig(".")})
	if err != nil {
		b.Fatal(err)
	}
	p := dnsserver.NewUDPPath(s, discardConn{})
	for _, edns := range []bool{false, true} {
		name := "whoami"
		r := new(dns.Msg)
		r.SetQuestion("www.example.org.", dns.TypeA)
		if edns {
			r.SetEdns0(1232, false)
			name += "-edns"
		}
		pkt, err := r.Pack()
		if err != nil {
			b.Fatal(err)
		}
		from := &net.UDPAddr{IP: net.ParseIP("10.240.0.1"), Port: 40212}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Serve(pkt, from)
			}
		})
	}
}

// authConfig serves a zone of 10,000 names under bench.test. with file.
func authConfig(b *testing.B) *dnsserver.Config {
	var sb strings.Builder
	sb.WriteString("$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "h%d IN A 10.0.%d.%d\n", i, i/256%256, i%256)
	}
	z, err := file.Parse(strings.NewReader(sb.String()), "bench.test.", "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	f := file.File{Zones: file.Zones{Z: map[string]*file.Zone{"bench.test.": z}, Names: []string{"bench.test."}}}
	return &dnsserver.Config{Zone: ".", Port: "53", Transport: "dns", ListenHosts: []string{""},
		Plugin: []plugin.Plugin{func(plugin.Handler) plugin.Handler { return f }}}
}

// BenchmarkUDPPathAuth is BenchmarkUDPPath with file serving a zone: a
// positive answer (with the NS in authority) and an NXDOMAIN.
func BenchmarkUDPPathAuth(b *testing.B) {
	s, err := dnsserver.NewServer("dns://:53", []*dnsserver.Config{authConfig(b)})
	if err != nil {
		b.Fatal(err)
	}
	p := dnsserver.NewUDPPath(s, discardConn{})
	from := &net.UDPAddr{IP: net.ParseIP("10.240.0.1"), Port: 40212}
	for _, q := range []string{"h4711.bench.test.", "nx4711.bench.test."} {
		r := new(dns.Msg)
		r.SetQuestion(q, dns.TypeA)
		pkt, err := r.Pack()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.SplitN(q, ".", 2)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Serve(pkt, from)
			}
		})
	}
}
