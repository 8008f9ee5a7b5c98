package test

import (
	"fmt"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/kubernetes/apiservertest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// k8sService returns a ClusterIP service with one named TCP port.
func k8sService(namespace, name, clusterIP string, port int32) *api.Service {
	return &api.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: api.ServiceSpec{Type: api.ServiceTypeClusterIP, ClusterIP: clusterIP, ClusterIPs: []string{clusterIP},
			Ports: []api.ServicePort{{Name: "http", Protocol: api.ProtocolTCP, Port: port}}},
	}
}

// k8sDNSObjects is a cluster whose DNS service (kube-dns, external IP
// 192.0.2.53) has this test server, 127.0.0.1, as its endpoint.
func k8sDNSObjects() []runtime.Object {
	ready := true
	dnsName, udp, dnsPort := "dns", api.ProtocolUDP, int32(53)
	kubeDNS := k8sService("kube-system", "kube-dns", "10.96.0.10", 53)
	kubeDNS.Spec.ExternalIPs = []string{"192.0.2.53"}
	return []runtime.Object{
		&api.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}},
		&api.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}},
		kubeDNS,
		&discovery.EndpointSlice{
			ObjectMeta: metav1.ObjectMeta{Name: "kube-dns-1", Namespace: "kube-system",
				Labels: map[string]string{discovery.LabelServiceName: "kube-dns"}},
			AddressType: discovery.AddressTypeIPv4,
			Endpoints:   []discovery.Endpoint{{Addresses: []string{"127.0.0.1"}, Conditions: discovery.EndpointConditions{Ready: &ready}}},
			Ports:       []discovery.EndpointPort{{Name: &dnsName, Protocol: &udp, Port: &dnsPort}},
		},
	}
}

// startK8sAPI starts the in-process API server with objs and returns the
// path of a kubeconfig for it.
func startK8sAPI(t *testing.T, objs ...runtime.Object) (*apiservertest.Server, string) {
	t.Helper()
	apiserver := apiservertest.New(objs...)
	t.Cleanup(apiserver.Close)
	kubeconfig, err := apiserver.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return apiserver, kubeconfig
}

// TestK8sExternalKubernetes serves a Service's external IP and load
// balancer ingress under a public zone, with k8s_external backed by the
// real kubernetes plugin reading from an API server.
func TestK8sExternalKubernetes(t *testing.T) {
	web := k8sService("default", "web", "10.96.0.20", 80)
	web.Spec.ExternalIPs = []string{"192.0.2.20"}
	web.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{IP: "198.51.100.20"}, {IP: "2001:db8::20"}}
	internal := k8sService("default", "internal", "10.96.0.21", 8080)
	elb := k8sService("default", "elb", "10.96.0.22", 443)
	elb.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{Hostname: "lb1.elsewhere.test"}}
	apiserver, kubeconfig := startK8sAPI(t, append(k8sDNSObjects(), web, internal, elb)...)

	corefile := fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    k8s_external example.com {
        ttl 10
    }
    kubernetes cluster.local {
        kubeconfig %s
    }
    template IN A elsewhere.test {
        answer "{{ .Name }} 60 IN A 203.0.113.7"
    }
}`, kubeconfig)
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer i.Stop()

	soa := []dns.RR{test.SOA("example.com. 10 IN SOA ns1.dns.example.com. hostmaster.dns.example.com. 1 7200 1800 86400 10")}
	checkCases(t, udp, tcp, []test.Case{
		{Qname: "web.default.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("web.default.example.com. 10 IN A 192.0.2.20"),
				test.A("web.default.example.com. 10 IN A 198.51.100.20"),
			}},
		{Qname: "web.default.example.com.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("web.default.example.com. 10 IN AAAA 2001:db8::20")}},
		{Qname: "_http._tcp.web.default.example.com.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_http._tcp.web.default.example.com. 10 IN SRV 0 33 80 web.default.example.com.")},
			Extra: []dns.RR{
				test.A("web.default.example.com. 10 IN A 192.0.2.20"),
				test.A("web.default.example.com. 10 IN A 198.51.100.20"),
				test.AAAA("web.default.example.com. 10 IN AAAA 2001:db8::20"),
			}},
		// A load balancer known by host name: a CNAME, resolved through the server's chain.
		{Qname: "elb.default.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("elb.default.example.com. 10 IN CNAME lb1.elsewhere.test."),
				test.A("lb1.elsewhere.test. 60 IN A 203.0.113.7"),
			}},
		{Qname: "web.default.example.com.", Qtype: dns.TypeTXT, Authoritative: true, Ns: soa},
		{Qname: "_https._tcp.web.default.example.com.", Qtype: dns.TypeSRV, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
		{Qname: "internal.default.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
		{Qname: "web.nons.example.com.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
		{Qname: "default.example.com.", Qtype: dns.TypeA, Authoritative: true, Ns: soa},
		{Qname: "example.com.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{test.NS("example.com. 10 IN NS ns1.dns.example.com.")},
			Extra:  []dns.RR{test.A("ns1.dns.example.com. 10 IN A 192.0.2.53")}},
		{Qname: "ns1.dns.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ns1.dns.example.com. 10 IN A 192.0.2.53")}},
		{Qname: "example.com.", Qtype: dns.TypeSOA, Authoritative: true, Answer: soa},
		// The cluster zone is still served by kubernetes.
		{Qname: "web.default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web.default.svc.cluster.local. 5 IN A 10.96.0.20")}},
		{Qname: "cluster.local.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{test.NS("cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.")},
			Extra:  []dns.RR{test.A("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.96.0.10")}},
	})

	// A load balancer that gets its address later is served once it arrives by watch.
	lb := internal.DeepCopy()
	lb.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{IP: "198.51.100.21"}}
	apiserver.Update(lb)
	m := new(dns.Msg)
	m.SetQuestion("internal.default.example.com.", dns.TypeA)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := e2eExchange(t, "udp", udp, m)
		if len(resp.Answer) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the load balancer address did not arrive: %v", resp)
		}
		time.Sleep(20 * time.Millisecond)
	}
	checkCases(t, udp, tcp, []test.Case{
		{Qname: "internal.default.example.com.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("internal.default.example.com. 10 IN A 198.51.100.21")}},
	})
}

// TestAutoPathKubernetesPod completes a pod's search path on the server:
// the client, 127.0.0.1, is a pod in namespace default (pods verified).
func TestAutoPathKubernetesPod(t *testing.T) {
	client := &api.Pod{ObjectMeta: metav1.ObjectMeta{Name: "client", Namespace: "default"},
		Status: api.PodStatus{Phase: api.PodRunning, PodIP: "127.0.0.1", PodIPs: []api.PodIP{{IP: "127.0.0.1"}}}}
	objs := append(k8sDNSObjects(), client,
		&api.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}},
		k8sService("shop", "web", "10.96.1.5", 80))
	_, kubeconfig := startK8sAPI(t, objs...)

	corefile := fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    autopath @kubernetes
    kubernetes cluster.local {
        kubeconfig %s
        pods verified
    }
}`, kubeconfig)
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v", err)
	}
	defer i.Stop()

	before := counterSum(t, "coredns_autopath_success_total")
	soa := []dns.RR{test.SOA("cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5")}
	cases := []test.Case{
		// "web.shop" asked with the pod's first search domain appended: the
		// server tries the search path itself and answers with a CNAME.
		{Qname: "web.shop.default.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("web.shop.default.svc.cluster.local. 5 IN CNAME web.shop.svc.cluster.local."),
				test.A("web.shop.svc.cluster.local. 5 IN A 10.96.1.5"),
			}},
		// A name that is not in the pod's first search domain is answered as asked.
		{Qname: "web.shop.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web.shop.svc.cluster.local. 5 IN A 10.96.1.5")}},
		{Qname: "nope.shop.svc.cluster.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa},
	}
	checkCases(t, udp, tcp, cases)
	checkCNAMEFirst(t, udp, tcp, cases[0])
	// Two completions per checkCases (UDP and TCP) and two in checkCNAMEFirst.
	if got := counterSum(t, "coredns_autopath_success_total") - before; got != 4 {
		t.Errorf("coredns_autopath_success_total went up by %v, want 4", got)
	}
}

// counterSum adds up every series of the counter name in the default registry.
func counterSum(t *testing.T, name string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}
