package kubernetes

import (
	"net"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// More name shapes of the specification, answered in full.
func TestNameShapes(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), nil)
	runCases(t, k, []test.Case{
		// A known service asked for a type it does not have.
		nodata("svc1.testns.svc.cluster.local.", dns.TypeCNAME),
		nodata("svc1.testns.svc.cluster.local.", dns.TypePTR),
		nodata("hdls1.testns.svc.cluster.local.", dns.TypeTXT),
		// Empty non-terminals.
		nodata("svc.cluster.local.", dns.TypeAAAA),
		nodata("svc.cluster.local.", dns.TypeSRV),
		nodata("testns.svc.cluster.local.", dns.TypeSRV),
		nodata("kube-system.svc.cluster.local.", dns.TypeAAAA),
		nodata("testns.pod.cluster.local.", dns.TypeAAAA),
		// Unknown names of each length.
		nxdomain("nons.svc.cluster.local.", dns.TypeSRV),
		nxdomain("nons.pod.cluster.local.", dns.TypeA),
		nxdomain("nope.svc1.testns.svc.cluster.local.", dns.TypeA),
		nxdomain("_http._tcp.nosvc.testns.svc.cluster.local.", dns.TypeSRV),
		nxdomain("x._http._tcp.svc1.testns.svc.cluster.local.", dns.TypeSRV),
		nxdomain("svc1.testns.nope.cluster.local.", dns.TypeA),
		nxdomain("x.10-244-0-5.testns.pod.cluster.local.", dns.TypeA),
		// Case is kept in the answer, ignored in matching.
		{Qname: "_HTTP._TCP.svc1.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_HTTP._TCP.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.")},
			Extra:  []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
		// The ExternalName target is resolved through the upstream; when
		// that fails there is nothing to answer with (the CNAME is dropped too).
		nodata("external.testns.svc.cluster.local.", dns.TypeA),
		// PTR of an IPv6 endpoint address.
		{Qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa. 5 IN PTR 5678-abcd--1.hdls1.testns.svc.cluster.local.")}},
		// A partial reverse name is not an address.
		{Qname: "10.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soaReverse)}},
		{Qname: "in-addr.arpa.", Qtype: dns.TypeSOA, Authoritative: true, Answer: []dns.RR{test.SOA(soaReverse)}},
	})
}

// The apex NS record names the service this server is an endpoint of.
func TestNSRecords(t *testing.T) {
	// Not an endpoint of any service: ns.dns.<zone> with the server's own address.
	k := newTestKubernetes(t, clusterObjects(), nil)
	k.localIPs = []net.IP{net.ParseIP("192.0.2.99")}
	runCases(t, k, []test.Case{
		{Qname: "cluster.local.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{test.NS("cluster.local. 5 IN NS ns.dns.cluster.local.")},
			Extra:  []dns.RR{test.A("ns.dns.cluster.local. 5 IN A 192.0.2.99")}},
		{Qname: "ns.dns.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ns.dns.cluster.local. 5 IN A 192.0.2.99")}},
		nxdomain("dns.cluster.local.", dns.TypeA),
	})
	if rrs := k.ExternalAddress(externalState("example.com.", dns.TypeNS), false); len(rrs) != 1 || rrs[0].(*dns.A).A.String() != "192.0.2.99" {
		t.Errorf("ExternalAddress without a DNS service: %v", rrs)
	}

	// A headless DNS service: the endpoint names.
	objs := []runtime.Object{
		ns("kube-system"),
		svc("kube-system", "kube-dns", api.ClusterIPNone, port{"dns", "UDP", 53}),
		slice("kube-system", "kube-dns-1", "kube-dns", discovery.AddressTypeIPv4,
			[]ep{{ip: "127.0.0.1"}, {ip: "127.0.0.2", hostname: "second"}}, port{"dns", "UDP", 53}),
	}
	k = newTestKubernetes(t, objs, nil)
	runCases(t, k, []test.Case{
		{Qname: "cluster.local.", Qtype: dns.TypeNS, Authoritative: true,
			Answer: []dns.RR{
				test.NS("cluster.local. 5 IN NS 127-0-0-1.kube-dns.kube-system.svc.cluster.local."),
				test.NS("cluster.local. 5 IN NS second.kube-dns.kube-system.svc.cluster.local."),
			},
			Extra: []dns.RR{
				test.A("127-0-0-1.kube-dns.kube-system.svc.cluster.local. 5 IN A 127.0.0.1"),
				test.A("second.kube-dns.kube-system.svc.cluster.local. 5 IN A 127.0.0.2"),
			}},
	})

	// External addresses of the DNS service, for k8s_external.
	dnsSvc := svc("kube-system", "kube-dns", "10.0.0.10", port{"dns", "UDP", 53})
	dnsSvc.Spec.ExternalIPs = []string{"192.0.2.53"}
	dnsSvc.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{IP: "2001:db8::53"}}
	objs = []runtime.Object{
		ns("kube-system"), dnsSvc,
		slice("kube-system", "kube-dns-1", "kube-dns", discovery.AddressTypeIPv4, []ep{{ip: "127.0.0.1"}}, port{"dns", "UDP", 53}),
	}
	k = newTestKubernetes(t, objs, nil)
	var got []string
	for _, rr := range k.ExternalAddress(externalState("example.com.", dns.TypeNS), false) {
		got = append(got, rr.String())
	}
	want := "kube-dns.kube-system.example.com.\t5\tIN\tA\t192.0.2.53," +
		"kube-dns.kube-system.example.com.\t5\tIN\tAAAA\t2001:db8::53"
	if strings.Join(got, ",") != want {
		t.Errorf("ExternalAddress: got %q, want %q", got, want)
	}
}

// Pods that have finished do not own their address any more.
func TestPodsVerifiedPhases(t *testing.T) {
	done := pod("testns", "done", "10.244.0.7")
	done.Status.Phase = api.PodSucceeded
	failed := pod("testns", "failed", "10.244.0.8")
	failed.Status.Phase = api.PodFailed
	running := pod("testns", "running", "10.244.0.9", "fd00::9")
	running.Status.Phase = api.PodRunning
	objs := append(clusterObjects(), done, failed, running)
	k := newTestKubernetes(t, objs, func(k *Kubernetes) { k.podMode = podModeVerified })
	runCases(t, k, []test.Case{
		nxdomain("10-244-0-7.testns.pod.cluster.local.", dns.TypeA),
		nxdomain("10-244-0-8.testns.pod.cluster.local.", dns.TypeA),
		{Qname: "10-244-0-9.testns.pod.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("10-244-0-9.testns.pod.cluster.local. 5 IN A 10.244.0.9")}},
		nodata("10-244-0-9.testns.pod.cluster.local.", dns.TypeAAAA),
		{Qname: "fd00--9.testns.pod.cluster.local.", Qtype: dns.TypeAAAA, Authoritative: true,
			Answer: []dns.RR{test.AAAA("fd00--9.testns.pod.cluster.local. 5 IN AAAA fd00::9")}},
	})
}

// A pod name too long for a label does not name its endpoint.
func TestEndpointPodNamesTooLong(t *testing.T) {
	long := strings.Repeat("p", 64)
	objs := []runtime.Object{
		ns("testns"),
		svc("testns", "hl", api.ClusterIPNone, port{"http", "TCP", 80}),
		slice("testns", "hl-1", "hl", discovery.AddressTypeIPv4, []ep{{ip: "172.0.1.1", pod: long}, {ip: "172.0.1.2", pod: "short"}}, port{"http", "TCP", 80}),
	}
	k := newTestKubernetes(t, objs, func(k *Kubernetes) { k.endpointNameMode = true })
	runCases(t, k, []test.Case{
		{Qname: "_http._tcp.hl.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{
				test.SRV("_http._tcp.hl.testns.svc.cluster.local. 5 IN SRV 0 50 80 172-0-1-1.hl.testns.svc.cluster.local."),
				test.SRV("_http._tcp.hl.testns.svc.cluster.local. 5 IN SRV 0 50 80 short.hl.testns.svc.cluster.local."),
			},
			Extra: []dns.RR{
				test.A("172-0-1-1.hl.testns.svc.cluster.local. 5 IN A 172.0.1.1"),
				test.A("short.hl.testns.svc.cluster.local. 5 IN A 172.0.1.2"),
			}},
		{Qname: "2.1.0.172.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
			Answer: []dns.RR{test.PTR("2.1.0.172.in-addr.arpa. 5 IN PTR short.hl.testns.svc.cluster.local.")}},
	})
}

// labels limits the served services (and their endpoints) by selector.
func TestLabelsOption(t *testing.T) {
	objs := clusterObjects()
	for _, o := range objs {
		switch o := o.(type) {
		case *api.Service:
			if o.Name == "svc1" || o.Name == "hdls1" {
				o.Labels = map[string]string{"dns": "on"}
			}
		case *discovery.EndpointSlice:
			if o.Name == "hdls1-v4" {
				o.Labels["dns"] = "on"
			}
		}
	}
	k := newTestKubernetes(t, objs, func(k *Kubernetes) { k.opts.labelSelector = "dns=on" })
	runCases(t, k, []test.Case{
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
		{Qname: "hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"),
				test.A("hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"),
			}},
		nodata("hdls1.testns.svc.cluster.local.", dns.TypeAAAA), // the IPv6 slice is not labelled
		nxdomain("svc2.otherns.svc.cluster.local.", dns.TypeA),
		nxdomain("dual.testns.svc.cluster.local.", dns.TypeA),
	})
}

// A load balancer known only by host name is passed to k8s_external as that name.
func TestExternalIngressHostname(t *testing.T) {
	elb := svc("testns", "elb", "10.0.0.40", port{"https", "TCP", 443})
	elb.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{Hostname: "lb.elsewhere.test"}, {IP: "192.0.2.40"}}
	k := newTestKubernetes(t, append(clusterObjects(), elb), nil)
	svcs, rcode := k.External(externalState("elb.testns.example.com.", dns.TypeA), false)
	if got := hostPorts(svcs); rcode != dns.RcodeSuccess || got != "lb.elsewhere.test:443,192.0.2.40:443" {
		t.Errorf("got %s (rcode %d)", got, rcode)
	}
}
