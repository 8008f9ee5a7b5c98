package test

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// fakeexternal is a directive that exists only in these tests: a backend
// for k8s_external standing in for the kubernetes plugin. It passes every
// query on.
func init() {
	plugin.Register("fakeexternal", func(c *caddy.Controller) error {
		c.Next()
		dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler { return fakeExternal{next} })
		return nil
	})
	dnsserver.Directives = append(dnsserver.Directives, "fakeexternal")
}

type fakeExternal struct{ next plugin.Handler }

func (f fakeExternal) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(f.Name(), f.next, ctx, w, r)
}

func (f fakeExternal) Name() string { return "fakeexternal" }

var fakeExternalServices = map[string][]msg.Service{
	"web.shop.example.com.": {
		{Host: "192.0.2.10", Port: 443, Key: msg.Path("web.shop.example.com.", "coredns")},
		{Host: "2001:db8::10", Port: 443, Key: msg.Path("web.shop.example.com.", "coredns")},
	},
	"_https._tcp.web.shop.example.com.": {
		{Host: "192.0.2.10", Port: 443, Key: msg.Path("_https._tcp.web.shop.example.com.", "coredns"), TargetStrip: 2},
	},
	"lb.shop.example.com.": {{Host: "elb.lb.test", Port: 80, Key: msg.Path("lb.shop.example.com.", "coredns")}},
	"shop.example.com.":    nil,
}

func (fakeExternal) External(state request.Request, _ bool) ([]msg.Service, int) {
	if s, ok := fakeExternalServices[state.Name()]; ok {
		return s, dns.RcodeSuccess
	}
	return nil, dns.RcodeNameError
}

func (fakeExternal) ExternalAddress(request.Request, bool) []dns.RR {
	return []dns.RR{test.A("coredns.kube-system. 5 IN A 192.0.2.53")}
}

func (fakeExternal) ExternalServices(string, bool) []msg.Service {
	var all []msg.Service
	for _, name := range []string{"web.shop.example.com.", "_https._tcp.web.shop.example.com.", "lb.shop.example.com."} {
		all = append(all, fakeExternalServices[name]...)
	}
	return all
}

func (fakeExternal) ExternalSerial(string) uint32 { return 2024010101 }

func (fakeExternal) ExternalReverse(ip string) ([]msg.Service, error) {
	if ip == "192.0.2.10" {
		return []msg.Service{{Host: "web.shop"}}, nil
	}
	return nil, nil
}

const k8sExternalCorefile = `example.com:0 lb.test:0 2.0.192.in-addr.arpa:0 {
    bind 127.0.0.1
    k8s_external example.com 2.0.192.in-addr.arpa {
        ttl 10
    }
    template IN A lb.test {
        answer "{{ .Name }} 60 IN A 192.0.2.80"
    }
    transfer example.com {
        to *
    }
    fakeexternal
}`

const k8sExternalSOA = "example.com. 10 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 2024010101 7200 1800 86400 10"

func TestK8sExternal(t *testing.T) {
	i, udp, tcp, err := CoreDNSServerAndPorts(k8sExternalCorefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	soa := []dns.RR{test.SOA(k8sExternalSOA)}
	checkCases(t, udp, tcp, []test.Case{
		{Qname: "example.com.", Qtype: dns.TypeSOA, Authoritative: true, Answer: soa},
		{
			Qname: "example.com.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{test.NS("example.com. 10 IN NS ns1.dns.example.com.")},
			Extra:  []dns.RR{test.A("ns1.dns.example.com. 10 IN A 192.0.2.53")},
		},
		{Qname: "ns1.dns.example.com.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{test.A("ns1.dns.example.com. 10 IN A 192.0.2.53")}},
		{Qname: "ns1.dns.example.com.", Qtype: dns.TypeAAAA, Authoritative: true, Ns: soa},
		{Qname: "www.dns.example.com.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError, Ns: soa},
		{Qname: "web.shop.example.com.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{test.A("web.shop.example.com. 10 IN A 192.0.2.10")}},
		{Qname: "web.shop.example.com.", Qtype: dns.TypeAAAA, Authoritative: true, Answer: []dns.RR{test.AAAA("web.shop.example.com. 10 IN AAAA 2001:db8::10")}},
		{Qname: "web.shop.example.com.", Qtype: dns.TypeTXT, Authoritative: true, Ns: soa},
		{ // weights are shared out before the dual-stack duplicate is dropped, as CoreDNS does
			Qname: "web.shop.example.com.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("web.shop.example.com. 10 IN SRV 0 50 443 web.shop.example.com.")},
			Extra:  []dns.RR{test.A("web.shop.example.com. 10 IN A 192.0.2.10"), test.AAAA("web.shop.example.com. 10 IN AAAA 2001:db8::10")},
		},
		{
			Qname: "_https._tcp.web.shop.example.com.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_https._tcp.web.shop.example.com. 10 IN SRV 0 100 443 web.shop.example.com.")},
			Extra:  []dns.RR{test.A("web.shop.example.com. 10 IN A 192.0.2.10")},
		},
		{ // a load balancer with a host name, chased through the server
			Qname: "lb.shop.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.CNAME("lb.shop.example.com. 10 IN CNAME elb.lb.test."), test.A("elb.lb.test. 60 IN A 192.0.2.80")},
		},
		{Qname: "shop.example.com.", Qtype: dns.TypeA, Authoritative: true, Ns: soa},
		{Qname: "gone.shop.example.com.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError, Ns: soa},
		{
			Qname: "10.2.0.192.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("10.2.0.192.in-addr.arpa. 10 IN PTR web.shop.example.com.")},
		},
	})
}

func TestK8sExternalTransfer(t *testing.T) {
	i, _, tcp, err := CoreDNSServerAndPorts(k8sExternalCorefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	want := []string{
		k8sExternalSOA,
		"example.com. 10 IN NS ns1.dns.example.com.",
		"ns1.dns.example.com. 10 IN A 192.0.2.53",
		"web.shop.example.com. 10 IN A 192.0.2.10",
		"web.shop.example.com. 10 IN AAAA 2001:db8::10",
		"web.shop.example.com. 10 IN SRV 0 50 443 web.shop.example.com.",
		"_https._tcp.web.shop.example.com. 10 IN SRV 0 100 443 web.shop.example.com.",
		"lb.shop.example.com. 10 IN CNAME elb.lb.test.",
		"lb.shop.example.com. 10 IN SRV 0 100 80 elb.lb.test.",
		k8sExternalSOA,
	}

	m := new(dns.Msg)
	m.SetAxfr("example.com.")
	tr := new(dns.Transfer)
	envs, err := tr.In(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	var got []dns.RR
	for env := range envs {
		if env.Error != nil {
			t.Fatal(env.Error)
		}
		got = append(got, env.RR...)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d:\n%v", len(got), len(want), got)
	}
	for k := range want {
		w, err := dns.NewRR(want[k])
		if err != nil {
			t.Fatal(err)
		}
		if got[k].String() != w.String() {
			t.Errorf("record %d is %q, want %q", k, got[k], w)
		}
	}
}
