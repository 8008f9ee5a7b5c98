package kubernetes

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	api "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestIgnoreEmptyService(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.ignoreEmpty = true })
	runCases(t, k, []test.Case{
		nxdomain("svcempty.testns.svc.cluster.local.", dns.TypeA),
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
	})
	k = newTestKubernetes(t, clusterObjects(), nil)
	runCases(t, k, []test.Case{
		{Qname: "svcempty.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.2")}},
	})
}

func TestNamespacesOption(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.Namespaces = map[string]struct{}{"testns": {}} })
	runCases(t, k, []test.Case{
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
		nxdomain("svc2.otherns.svc.cluster.local.", dns.TypeA),
		nxdomain("otherns.svc.cluster.local.", dns.TypeA),
		nxdomain("10-244-0-6.otherns.pod.cluster.local.", dns.TypeA),
		{Qname: "svc2.*.svc.cluster.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soaCluster)}},
		{Qname: "20.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soaReverse)}},
	})
}

func TestNamespaceLabels(t *testing.T) {
	objs := clusterObjects()
	for _, o := range objs {
		if n, ok := o.(*api.Namespace); ok && n.Name == "testns" {
			n.Labels = map[string]string{"dns": "on"}
		}
	}
	k := newTestKubernetes(t, objs, func(k *Kubernetes) { k.opts.nsLabelSelector = "dns=on" })
	runCases(t, k, []test.Case{
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
		nxdomain("svc2.otherns.svc.cluster.local.", dns.TypeA),
	})
}

func TestEndpointPodNames(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.endpointNameMode = true })
	runCases(t, k, []test.Case{
		{Qname: "hdls1-pod-3.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("hdls1-pod-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3")}},
		// A hostname wins over the pod name.
		{Qname: "dup-name.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2")}},
		nxdomain("172-0-0-3.hdls1.testns.svc.cluster.local.", dns.TypeA),
	})
}

func TestPodModes(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.podMode = podModeVerified })
	runCases(t, k, []test.Case{
		{Qname: "10-244-0-5.testns.pod.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("10-244-0-5.testns.pod.cluster.local. 5 IN A 10.244.0.5")}},
		nxdomain("10-244-0-6.testns.pod.cluster.local.", dns.TypeA), // pod2 is in otherns
		nxdomain("10-9-9-9.testns.pod.cluster.local.", dns.TypeA),
		nxdomain("10-244-0-6.*.pod.cluster.local.", dns.TypeA), // no wildcards
	})
	k = newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.podMode = podModeDisabled })
	runCases(t, k, []test.Case{
		nxdomain("10-244-0-5.testns.pod.cluster.local.", dns.TypeA),
	})
}

func TestNoEndpoints(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.opts.initEndpointsCache = false })
	runCases(t, k, []test.Case{
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
		nxdomain("hdls1.testns.svc.cluster.local.", dns.TypeA),
		nxdomain("172-0-0-1.svc1.testns.svc.cluster.local.", dns.TypeA),
	})
}

func TestTTL(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.ttl = 30 })
	runCases(t, k, []test.Case{
		{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 30 IN A 10.0.0.1")}},
		{Qname: "nosvc.testns.svc.cluster.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{test.SOA("cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 30")}},
	})
}

func TestFallthrough(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) {
		k.Fall = fall.F{}
		k.Fall.SetZonesFromArgs([]string{"in-addr.arpa."})
	})
	k.Next = test.NextHandler(dns.RcodeRefused, nil)
	ctx := context.Background()
	for _, tc := range []struct {
		qname string
		qtype uint16
		want  int
	}{
		{"9.9.9.10.in-addr.arpa.", dns.TypePTR, dns.RcodeRefused}, // falls through
		{"nosvc.testns.svc.cluster.local.", dns.TypeA, dns.RcodeNameError},
		{"1.0.0.10.in-addr.arpa.", dns.TypePTR, dns.RcodeSuccess},
		{"example.org.", dns.TypeA, dns.RcodeRefused}, // not our zone
	} {
		w := dnstest.NewRecorder(&test.ResponseWriter{})
		m := new(dns.Msg)
		m.SetQuestion(tc.qname, tc.qtype)
		rcode, _ := k.ServeDNS(ctx, w, m)
		got := rcode
		if w.Msg != nil {
			got = w.Msg.Rcode
		}
		if got != tc.want {
			t.Errorf("%s: rcode %s, want %s", tc.qname, dns.RcodeToString[got], dns.RcodeToString[tc.want])
		}
	}
}

// Changes arriving by watch show in the answers, and the serial moves.
func TestWatchUpdates(t *testing.T) {
	objs := clusterObjects()
	k := newTestKubernetes(t, objs, nil)
	client := k.apiConn.client
	ctx := context.Background()
	k.apiConn.modified.Store(1)

	s := svc("testns", "newsvc", "10.0.0.99", port{"http", "TCP", 80})
	if _, err := client.CoreV1().Services("testns").Create(ctx, s, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "new service", func() bool { return k.apiConn.servicesByIP("10.0.0.99") != nil })
	if k.Serial(requestFor("cluster.local.")) == 1 {
		t.Error("serial did not change")
	}
	runCases(t, k, []test.Case{{Qname: "newsvc.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("newsvc.testns.svc.cluster.local. 5 IN A 10.0.0.99")}}})

	if err := client.CoreV1().Services("testns").Delete(ctx, "newsvc", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := client.DiscoveryV1().EndpointSlices("testns").Delete(ctx, "hdls1-v4", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deletions", func() bool {
		return k.apiConn.servicesByIP("10.0.0.99") == nil && k.apiConn.slicesByIP("172.0.0.2") == nil
	})
	runCases(t, k, []test.Case{
		nxdomain("newsvc.testns.svc.cluster.local.", dns.TypeA),
		nodata("hdls1.testns.svc.cluster.local.", dns.TypeA), // only the IPv6 slice is left
	})
}
