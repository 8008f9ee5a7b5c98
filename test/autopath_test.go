package test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// fakepather is a directive that exists only in these tests: it gives every
// client on 127.0.0.1 the search path of a pod in namespace ns1, as the
// kubernetes plugin would, and passes queries on.
func init() {
	plugin.Register("fakepather", func(c *caddy.Controller) error {
		c.Next()
		dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler { return fakePather{next} })
		return nil
	})
	dnsserver.Directives = append(dnsserver.Directives, "fakepather")
}

type fakePather struct{ next plugin.Handler }

func (f fakePather) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(f.Name(), f.next, ctx, w, r)
}

func (f fakePather) Name() string { return "fakepather" }

func (f fakePather) AutoPath(state request.Request) []string {
	if state.IP() != "127.0.0.1" {
		return nil
	}
	return []string{"ns1.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", ""}
}

// writeFiles writes name/content pairs into a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	autopathOrgZone = `$ORIGIN example.org.
@ 3600 IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 300
@ 3600 IN NS ns.example.org.
ns 3600 IN A 192.0.2.53
a 60 IN A 192.0.2.1
`
	autopathComZone = `$ORIGIN example.com.
@ 3600 IN SOA ns.example.com. hostmaster.example.com. 1 7200 1800 86400 300
@ 3600 IN NS ns.example.com.
b 120 IN A 192.0.2.2
mx 120 IN MX 10 b.example.com.
`
	autopathClusterZone = `$ORIGIN cluster.local.
@ 3600 IN SOA ns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30
@ 3600 IN NS ns.cluster.local.
web 30 IN A 10.0.0.80
api.ns1.svc 30 IN A 10.0.0.81
`
)

const autopathOrgSOA = "example.org. 3600 IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 300"

func TestAutoPathResolvConf(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"resolv.conf": "nameserver 192.0.2.53\nsearch example.org example.com\noptions ndots:5\n",
		"db.org":      autopathOrgZone,
		"db.com":      autopathComZone,
	})
	corefile := `.:0 {
    bind 127.0.0.1
    autopath example.org ` + filepath.Join(dir, "resolv.conf") + `
    file ` + filepath.Join(dir, "db.org") + ` example.org
    file ` + filepath.Join(dir, "db.com") + ` example.com
}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	cases := []test.Case{
		{ // completed with the second search element
			Qname: "b.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("b.example.org. 120 IN CNAME b.example.com."),
				test.A("b.example.com. 120 IN A 192.0.2.2"),
			},
			Ns: []dns.RR{test.NS("example.com. 3600 IN NS ns.example.com.")},
		},
		{ // exists as asked
			Qname: "a.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("a.example.org. 60 IN A 192.0.2.1")},
			Ns:     []dns.RR{test.NS("example.org. 3600 IN NS ns.example.org.")},
		},
		{ // nowhere: the first reply
			Qname: "nothing.example.org.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError,
			Ns: []dns.RR{test.SOA(autopathOrgSOA)},
		},
		{ // a name outside autopath's zone is left alone
			Qname: "b.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("b.example.com. 120 IN A 192.0.2.2")},
			Ns:     []dns.RR{test.NS("example.com. 3600 IN NS ns.example.com.")},
		},
	}
	checkCases(t, udp, tcp, cases)
	checkCNAMEFirst(t, udp, tcp, cases[0])
}

func TestAutoPathPlugin(t *testing.T) {
	dir := writeFiles(t, map[string]string{"db.cluster": autopathClusterZone})
	corefile := `cluster.local:0 {
    bind 127.0.0.1
    autopath @fakepather
    file ` + filepath.Join(dir, "db.cluster") + `
    fakepather
}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	defer i.Stop()

	ns := []dns.RR{test.NS("cluster.local. 3600 IN NS ns.cluster.local.")}
	cases := []test.Case{
		{
			Qname: "web.ns1.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("web.ns1.svc.cluster.local. 30 IN CNAME web.cluster.local."),
				test.A("web.cluster.local. 30 IN A 10.0.0.80"),
			},
			Ns: ns,
		},
		{
			Qname: "api.ns1.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("api.ns1.svc.cluster.local. 30 IN A 10.0.0.81")},
			Ns:     ns,
		},
		{ // not this client's namespace
			Qname: "web.ns2.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true, Rcode: dns.RcodeNameError,
			Ns: []dns.RR{test.SOA("cluster.local. 3600 IN SOA ns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30")},
		},
	}
	checkCases(t, udp, tcp, cases)
	checkCNAMEFirst(t, udp, tcp, cases[0])
}

// checkCNAMEFirst checks the CNAME autopath adds leads the answer.
func checkCNAMEFirst(t *testing.T, udp, tcp string, tc test.Case) {
	t.Helper()
	for _, nw := range transports(udp, tcp) {
		resp := e2eExchange(t, nw.network, nw.addr, tc.Msg())
		if len(resp.Answer) == 0 || resp.Answer[0].Header().Rrtype != dns.TypeCNAME {
			t.Errorf("%s: answer does not start with the CNAME: %v", nw.network, resp.Answer)
		}
	}
}

func TestAutoPathStartupErrors(t *testing.T) {
	tests := []struct {
		corefile string
		err      string
	}{
		{`.:0 {
    bind 127.0.0.1
    autopath @kubernetes
    whoami
}`, `plugin "kubernetes" (from @kubernetes) is not enabled in this server block`},
		{`.:0 {
    bind 127.0.0.1
    autopath @whoami
    whoami
}`, `plugin "whoami" (from @whoami) does not implement the AutoPather interface`},
		{`.:0 {
    bind 127.0.0.1
    autopath /no/such/resolv.conf
}`, `failed to parse "/no/such/resolv.conf"`},
	}
	for _, tc := range tests {
		i, _, _, err := CoreDNSServerAndPorts(tc.corefile)
		if err == nil {
			i.Stop()
			t.Errorf("server started from\n%s", tc.corefile)
			continue
		}
		if !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "Corefile:3") {
			t.Errorf("got error %q, want one containing %q and Corefile:3", err, tc.err)
		}
	}
}

// TestAutoPathKubernetes checks that the kubernetes plugin is accepted as the
// source of search paths. It needs plugin/kubernetes in the binary.
func TestAutoPathKubernetes(t *testing.T) {
	if !slices.Contains(dnsserver.Directives, "kubernetes") {
		t.Skip("the kubernetes plugin is not enabled in plugin.cfg yet")
	}
	corefile := `cluster.local:0 {
    bind 127.0.0.1
    autopath @kubernetes
    kubernetes cluster.local {
        endpoint http://127.0.0.1:1
        pods verified
        startup_timeout 100ms
    }
}`
	i, _, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		if strings.Contains(err.Error(), "AutoPather") {
			t.Fatalf("kubernetes is not accepted by autopath: %v", err)
		}
		t.Skipf("kubernetes did not start without an API server: %v", err)
	}
	i.Stop()
}
