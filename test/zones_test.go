package test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// zonetag is a directive that exists only in these tests: "zonetag NAME"
// answers every query with a TXT record holding NAME, so a test can tell
// which server block served a query.
func init() {
	plugin.Register("zonetag", setupZoneTag)
	dnsserver.Directives = append(dnsserver.Directives, "zonetag")
}

func setupZoneTag(c *caddy.Controller) error {
	c.Next()
	if !c.NextArg() {
		return plugin.Error("zonetag", c.ArgErr())
	}
	tag := zoneTag(c.Val())
	if c.NextArg() {
		return plugin.Error("zonetag", c.ArgErr())
	}
	dnsserver.GetConfig(c).AddPlugin(func(plugin.Handler) plugin.Handler { return tag })
	return nil
}

type zoneTag string

func (z zoneTag) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: state.QName(), Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{string(z)}}}
	w.WriteMsg(m) //nolint:errcheck // test plugin
	return dns.RcodeSuccess, nil
}

func (z zoneTag) Name() string { return "zonetag" }

// e2eExchange sends m to addr over network ("udp" or "tcp") with a short
// timeout and fails the test when no reply comes.
func e2eExchange(t *testing.T, network, addr string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: 2 * time.Second}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query %v to %s: %v", network, m.Question, addr, err)
	}
	return resp
}

func taggedCase(qname string, qtype uint16, tag string) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Authoritative: true,
		Answer: []dns.RR{test.TXT(dns.Fqdn(qname) + ` 0 IN TXT "` + tag + `"`)}}
}

func refusedQuery(qname string, qtype uint16) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Rcode: dns.RcodeRefused}
}

// checkCases sends every case over UDP and TCP and checks the whole reply.
func checkCases(t *testing.T, udp, tcp string, cases []test.Case) {
	t.Helper()
	for _, tc := range cases {
		for _, nw := range transports(udp, tcp) {
			resp := e2eExchange(t, nw.network, nw.addr, tc.Msg())
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", nw.network, err)
			}
		}
	}
}

// The zones golden scenario, with zonetag standing in for template.
const zonesCorefile = `lab.test:0 {
    bind 127.0.0.1
    zonetag lab
}
dev.lab.test:0 {
    bind 127.0.0.1
    zonetag dev
}
fleet.test:0 meadow.test:0 {
    bind 127.0.0.1
    zonetag fleet
}
10.99.0.0/24:0 {
    bind 127.0.0.1
    zonetag rev24
}
10.99.16.0/20:0 {
    bind 127.0.0.1
    zonetag rev20
}
10.99.1.0/28:0 {
    bind 127.0.0.1
    zonetag rev28
}
2001:db8:99::/48:0 {
    bind 127.0.0.1
    zonetag rev48
}
.:PORT2 {
    bind 127.0.0.1
    zonetag root
}
`

func startZonesServer(t *testing.T) (i *caddy.Instance, udp, tcp, udp2, tcp2 string) {
	t.Helper()
	var err error
	for range 3 { // the second port is picked free, but may be taken before use
		var port2 int
		if port2, err = FreePort(); err != nil {
			t.Fatal(err)
		}
		corefile := strings.ReplaceAll(zonesCorefile, "PORT2", strconv.Itoa(port2))
		if i, err = CoreDNSServer(corefile); err != nil {
			continue
		}
		udp2, tcp2 = CoreDNSServerPortsFor(i, port2)
		for k := range i.Servers() {
			if u, tc := CoreDNSServerPorts(i, k); tc != tcp2 {
				udp, tcp = u, tc
			}
		}
		return i, udp, tcp, udp2, tcp2
	}
	t.Fatalf("could not start the zones server: %v", err)
	return nil, "", "", "", ""
}

func TestZonesMostSpecificWins(t *testing.T) {
	i, udp, tcp, _, _ := startZonesServer(t)
	defer CoreDNSServerStop(i)

	checkCases(t, udp, tcp, []test.Case{
		taggedCase("lab.test.", dns.TypeA, "lab"),
		taggedCase("www.lab.test.", dns.TypeA, "lab"),
		taggedCase("dev.lab.test.", dns.TypeA, "dev"),
		taggedCase("api.dev.lab.test.", dns.TypeAAAA, "dev"),
		taggedCase("API.DEV.Lab.Test.", dns.TypeA, "dev"),
		taggedCase("xdev.lab.test.", dns.TypeA, "lab"),
		refusedQuery("dev.lab.test.extra.test.", dns.TypeA),
		taggedCase("fleet.test.", dns.TypeA, "fleet"),
		taggedCase("host.meadow.test.", dns.TypeTXT, "fleet"),
		refusedQuery("stranger.test.", dns.TypeA),
		refusedQuery("test.", dns.TypeSOA),
		refusedQuery(".", dns.TypeNS), // the root block listens on the other port only
	})
}

func TestZonesDSGoesToParent(t *testing.T) {
	i, udp, tcp, _, _ := startZonesServer(t)
	defer CoreDNSServerStop(i)

	checkCases(t, udp, tcp, []test.Case{
		taggedCase("dev.lab.test.", dns.TypeDS, "lab"),
		taggedCase("sub.dev.lab.test.", dns.TypeDS, "lab"),
		taggedCase("lab.test.", dns.TypeDS, "lab"), // no parent block: the zone itself
		taggedCase("dev.lab.test.", dns.TypeDNSKEY, "dev"),
		refusedQuery("test.", dns.TypeDS),
	})
}

func TestZonesReverseCIDR(t *testing.T) {
	i, udp, tcp, _, _ := startZonesServer(t)
	defer CoreDNSServerStop(i)

	checkCases(t, udp, tcp, []test.Case{
		taggedCase("7.0.99.10.in-addr.arpa.", dns.TypePTR, "rev24"),
		taggedCase("0.99.10.in-addr.arpa.", dns.TypeSOA, "rev24"),
		refusedQuery("9.2.99.10.in-addr.arpa.", dns.TypePTR),
		// /20 covers 16.99.10 … 31.99.10.
		taggedCase("5.20.99.10.in-addr.arpa.", dns.TypePTR, "rev20"),
		taggedCase("5.31.99.10.in-addr.arpa.", dns.TypePTR, "rev20"),
		taggedCase("16.99.10.in-addr.arpa.", dns.TypeNS, "rev20"),
		refusedQuery("5.32.99.10.in-addr.arpa.", dns.TypePTR),
		refusedQuery("5.15.99.10.in-addr.arpa.", dns.TypePTR),
		refusedQuery("99.10.in-addr.arpa.", dns.TypeSOA),
		// /28 is sixteen /32 zones: 10.99.1.0 … 10.99.1.15.
		taggedCase("0.1.99.10.in-addr.arpa.", dns.TypePTR, "rev28"),
		taggedCase("5.1.99.10.in-addr.arpa.", dns.TypePTR, "rev28"),
		taggedCase("15.1.99.10.in-addr.arpa.", dns.TypePTR, "rev28"),
		refusedQuery("16.1.99.10.in-addr.arpa.", dns.TypePTR),
		refusedQuery("200.1.99.10.in-addr.arpa.", dns.TypePTR),
		refusedQuery("1.99.10.in-addr.arpa.", dns.TypeSOA),
		// IPv6 /48 on nibble boundaries.
		taggedCase("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.9.9.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", dns.TypePTR, "rev48"),
		taggedCase("9.9.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", dns.TypeSOA, "rev48"),
		refusedQuery("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.a.9.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", dns.TypePTR),
	})
}

func TestZonesSecondPort(t *testing.T) {
	i, _, _, udp2, tcp2 := startZonesServer(t)
	defer CoreDNSServerStop(i)
	if udp2 == "" || tcp2 == "" {
		t.Fatal("no listener on the second port")
	}
	checkCases(t, udp2, tcp2, []test.Case{
		taggedCase("anything.example.", dns.TypeA, "root"),
		taggedCase("lab.test.", dns.TypeA, "root"), // lab.test is served on the first port only
		taggedCase(".", dns.TypeNS, "root"),
	})
}

func TestZonesSameZoneOnTwoPorts(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	corefile := `example.org:0 {
    bind 127.0.0.1
    zonetag first
}
example.org:` + p + ` {
    bind 127.0.0.1
    zonetag second
}
`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start: %v", err)
	}
	defer CoreDNSServerStop(i)
	if len(i.Servers()) != 2 {
		t.Fatalf("%d listeners, want 2", len(i.Servers()))
	}
	udp2, tcp2 := CoreDNSServerPortsFor(i, port)
	checkCases(t, udp2, tcp2, []test.Case{taggedCase("www.example.org.", dns.TypeA, "second")})
	for k := range i.Servers() {
		if u, tc := CoreDNSServerPorts(i, k); tc != tcp2 {
			checkCases(t, u, tc, []test.Case{taggedCase("www.example.org.", dns.TypeA, "first")})
		}
	}
}

func TestZonesRootAndChildOnOnePort(t *testing.T) {
	corefile := `.:0 {
    bind 127.0.0.1
    zonetag root
}
example.org:0 {
    bind 127.0.0.1
    zonetag example
}
`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start: %v", err)
	}
	defer CoreDNSServerStop(i)
	if len(i.Servers()) != 1 {
		t.Errorf("%d listeners, want both blocks on one", len(i.Servers()))
	}
	checkCases(t, udp, tcp, []test.Case{
		taggedCase("example.org.", dns.TypeA, "example"),
		taggedCase("a.b.example.org.", dns.TypeA, "example"),
		taggedCase("example.net.", dns.TypeA, "root"),
		taggedCase(".", dns.TypeSOA, "root"),
		// The parent search for DS stops below the root block, as in CoreDNS:
		// the root only gets DS queries no other block matches.
		taggedCase("example.org.", dns.TypeDS, "example"),
		taggedCase("org.", dns.TypeDS, "root"),
	})
}

func TestZonesClassAndEDNS(t *testing.T) {
	udp, tcp := startServer(t, "example.org:0 {\n    bind 127.0.0.1\n    zonetag ex\n}\n")

	for _, nw := range transports(udp, tcp) {
		// Classes other than IN are refused.
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		m.Question[0].Qclass = dns.ClassCHAOS
		if resp := e2eExchange(t, nw.network, nw.addr, m); resp.Rcode != dns.RcodeRefused || len(resp.Answer) != 0 {
			t.Errorf("%s CH query: rcode %s", nw.network, dns.RcodeToString[resp.Rcode])
		}

		// EDNS version 1 gets BADVERS with a version 0 OPT.
		m = new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		m.SetEdns0(1232, true)
		m.IsEdns0().SetVersion(1)
		resp := e2eExchange(t, nw.network, nw.addr, m)
		if resp.Rcode != dns.RcodeBadVers || len(resp.Answer) != 0 {
			t.Errorf("%s EDNS version 1: rcode %d answers %d, want BADVERS", nw.network, resp.Rcode, len(resp.Answer))
		}
		if o := resp.IsEdns0(); o == nil || o.Version() != 0 {
			t.Errorf("%s EDNS version 1: OPT %v, want version 0", nw.network, o)
		}

		// EDNS version 0 is mirrored.
		m = new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		m.SetEdns0(4096, true)
		resp = e2eExchange(t, nw.network, nw.addr, m)
		if o := resp.IsEdns0(); resp.Rcode != dns.RcodeSuccess || o == nil || o.UDPSize() != 4096 || !o.Do() {
			t.Errorf("%s EDNS version 0: rcode %d OPT %v", nw.network, resp.Rcode, o)
		}
	}
}
