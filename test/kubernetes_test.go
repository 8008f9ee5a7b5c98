package test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/kubernetes/apiservertest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

const interwebsZone = `$ORIGIN interwebs.test.
@   3600 IN SOA ns.interwebs.test. admin.interwebs.test. 1 7200 1800 86400 300
    3600 IN NS  ns.interwebs.test.
ns  3600 IN A   192.0.2.53
ext 3600 IN A   192.0.2.10
`

func k8sObjects() []runtime.Object {
	ready := true
	hostname := "web-0"
	portName, proto, port := "http", api.ProtocolTCP, int32(80)
	return []runtime.Object{
		&api.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}},
		&api.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
			Spec: api.ServiceSpec{ClusterIP: "10.96.0.20", ClusterIPs: []string{"10.96.0.20"},
				Ports: []api.ServicePort{{Name: "http", Protocol: api.ProtocolTCP, Port: 80}}},
		},
		&api.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "web-hl", Namespace: "default"},
			Spec: api.ServiceSpec{ClusterIP: api.ClusterIPNone,
				Ports: []api.ServicePort{{Name: "http", Protocol: api.ProtocolTCP, Port: 80}}},
		},
		&api.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "ext", Namespace: "default"},
			Spec:       api.ServiceSpec{Type: api.ServiceTypeExternalName, ExternalName: "ext.interwebs.test"},
		},
		&discovery.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{Name: "web-hl-1", Namespace: "default",
				Labels: map[string]string{discovery.LabelServiceName: "web-hl"}},
			AddressType: discovery.AddressTypeIPv4,
			Endpoints: []discovery.Endpoint{{Addresses: []string{"10.244.1.5"}, Hostname: &hostname,
				Conditions: discovery.EndpointConditions{Ready: &ready}}},
			Ports: []discovery.EndpointPort{{Name: &portName, Protocol: &proto, Port: &port}},
		},
	}
}

// TestKubernetesClusterCorefile runs the Corefile every cluster uses, with
// its kubeconfig pointing at an in-process API server and forward going to
// a second server on loopback.
func TestKubernetesClusterCorefile(t *testing.T) {
	apiserver := apiservertest.New(k8sObjects()...)
	defer apiserver.Close()
	dir := t.TempDir()
	kubeconfig, err := apiserver.Kubeconfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	zonefile := filepath.Join(dir, "interwebs.test")
	if err := os.WriteFile(zonefile, []byte(interwebsZone), 0o600); err != nil {
		t.Fatal(err)
	}

	up, upUDP, _, err := CoreDNSServerAndPorts(fmt.Sprintf(".:0 {\n    bind 127.0.0.1\n    file %s interwebs.test\n}\n", zonefile))
	if err != nil {
		t.Fatalf("could not start the upstream: %v", err)
	}
	defer CoreDNSServerStop(up)

	corefile := fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . %s {
        max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`, kubeconfig, upUDP)
	udp, tcp := startServer(t, corefile)

	soa := test.SOA("cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30")
	cases := []test.Case{
		{Qname: "web.default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web.default.svc.cluster.local. 30 IN A 10.96.0.20")}},
		{Qname: "_http._tcp.web.default.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local.")},
			Extra:  []dns.RR{test.A("web.default.svc.cluster.local. 30 IN A 10.96.0.20")}},
		{Qname: "web-0.web-hl.default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web-0.web-hl.default.svc.cluster.local. 30 IN A 10.244.1.5")}},
		{Qname: "10-244-1-5.default.pod.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5")}},
		{Qname: "ext.default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("ext.default.svc.cluster.local. 30 IN CNAME ext.interwebs.test."),
				test.A("ext.interwebs.test. 303 IN A 192.0.2.10"), // capped by cache
			}},
		{Qname: "20.0.96.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("20.0.96.10.in-addr.arpa. 30 IN PTR web.default.svc.cluster.local.")}},
		{Qname: "nothere.default.svc.cluster.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{soa}},
		{Qname: "default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true, Ns: []dns.RR{soa}},
		{Qname: "dns-version.cluster.local.", Qtype: dns.TypeTXT, Authoritative: true,
			Answer: []dns.RR{test.TXT(`dns-version.cluster.local. 303 IN TXT "1.1.0"`)}},
		// Not a cluster name: forwarded.
		{Qname: "ext.interwebs.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ext.interwebs.test. 303 IN A 192.0.2.10")},
			Ns:     []dns.RR{test.NS("interwebs.test. 303 IN NS ns.interwebs.test.")}},
	}
	for _, tc := range cases {
		for _, proto := range []string{"udp", "tcp"} {
			addr := udp
			if proto == "tcp" {
				addr = tcp
			}
			c := &dns.Client{Net: proto, Timeout: 3 * time.Second}
			resp, _, err := c.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s: %v", proto, tc.Qname, err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", proto, err)
			}
		}
	}
}

// TestKubernetesTransfer asks the transfer plugin for an AXFR of the
// cluster zone served by kubernetes.
func TestKubernetesTransfer(t *testing.T) {
	apiserver := apiservertest.New(k8sObjects()...)
	defer apiserver.Close()
	kubeconfig, err := apiserver.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	corefile := fmt.Sprintf(`cluster.local:0 {
    bind 127.0.0.1
    kubernetes {
        kubeconfig %s
    }
    transfer {
        to *
    }
}
`, kubeconfig)
	_, tcp := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetAxfr("cluster.local.")
	var rrs []dns.RR
	deadline := time.Now().Add(5 * time.Second)
	for {
		rrs = rrs[:0]
		env, err := new(dns.Transfer).In(m, tcp)
		if err != nil {
			t.Fatal(err)
		}
		for e := range env {
			if e.Error != nil {
				t.Fatal(e.Error)
			}
			rrs = append(rrs, e.RR...)
		}
		if len(rrs) > 2 || time.Now().After(deadline) { // more than the two SOAs: synced
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(rrs) < 2 || rrs[0].Header().Rrtype != dns.TypeSOA || rrs[len(rrs)-1].Header().Rrtype != dns.TypeSOA {
		t.Fatalf("transfer does not start and end with the SOA: %v", rrs)
	}
	want := map[string]bool{
		"web.default.svc.cluster.local.\tA\t10.96.0.20":              false,
		"_http._tcp.web.default.svc.cluster.local.\tSRV":             false,
		"web-0.web-hl.default.svc.cluster.local.\tA\t10.244.1.5":     false,
		"ext.default.svc.cluster.local.\tCNAME\text.interwebs.test.": false,
	}
	for _, rr := range rrs {
		h := rr.Header()
		key := h.Name + "\t" + dns.TypeToString[h.Rrtype]
		switch rr := rr.(type) {
		case *dns.A:
			key += "\t" + rr.A.String()
		case *dns.CNAME:
			key += "\t" + rr.Target
		}
		if _, ok := want[key]; ok {
			want[key] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("transfer lacks %q; got %v", k, rrs)
		}
	}
}
