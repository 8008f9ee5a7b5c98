package kubernetes

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/etcd/msg"
	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	discovery "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
)

func TestTransfer(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), nil)
	if _, err := k.Transfer("example.org.", 0); err != errNotAuthoritative {
		t.Fatalf("foreign zone: got %v", err)
	}
	ch, err := k.Transfer("cluster.local.", 0)
	if err != nil {
		t.Fatal(err)
	}
	var rrs []dns.RR
	for batch := range ch {
		rrs = append(rrs, batch...)
	}
	if len(rrs) < 2 || rrs[0].Header().Rrtype != dns.TypeSOA || rrs[len(rrs)-1].Header().Rrtype != dns.TypeSOA {
		t.Fatalf("transfer not framed by SOAs: %v", rrs)
	}
	got := map[string]bool{}
	for _, rr := range rrs[1 : len(rrs)-1] {
		got[rr.String()] = true
	}
	for _, want := range []dns.RR{
		test.NS("cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local."),
		test.A("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10"),
		test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"),
		test.SRV("svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."),
		test.SRV("_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."),
		test.AAAA("dual.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::3"),
		test.A("hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"),
		test.A("dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"),
		// Weights are spread per slice: two ready endpoints in the IPv4 one.
		test.SRV("_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 50 80 dup-name.hdls1.testns.svc.cluster.local."),
		test.CNAME("external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."),
	} {
		if !got[want.String()] {
			t.Errorf("transfer lacks %s", want)
		}
	}
	for s := range got {
		if strings.Contains(s, ".pod.cluster.local.") || strings.Contains(s, "172.0.0.4") || strings.Contains(s, "orphan") {
			t.Errorf("transfer has %s", s)
		}
	}

	// Up to date: just the SOA.
	serial := k.Serial(requestFor("cluster.local."))
	ch, _ = k.Transfer("cluster.local.", serial)
	n := 0
	for batch := range ch {
		n += len(batch)
	}
	if n != 1 {
		t.Errorf("IXFR with current serial: %d records, want 1", n)
	}
}

func TestAutoPath(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.podMode = podModeVerified })
	k.autoPathSearch = []string{"example.org."}
	state := request.Request{W: &test.ResponseWriter{RemoteIP: "10.244.0.5"}, Req: new(dns.Msg)}
	state.Req.SetQuestion("svc1.testns.svc.cluster.local.", dns.TypeA)
	got := strings.Join(k.AutoPath(state), ",")
	want := "testns.svc.cluster.local.,svc.cluster.local.,cluster.local.,example.org.,"
	if got != want {
		t.Errorf("search path %q, want %q", got, want)
	}
	unknown := request.Request{W: &test.ResponseWriter{RemoteIP: "10.9.9.9"}, Req: state.Req}
	if p := k.AutoPath(unknown); p != nil {
		t.Errorf("unknown client got %v", p)
	}

	insecure := newTestKubernetes(t, clusterObjects(), nil)
	if p := insecure.AutoPath(state); p != nil {
		t.Errorf("without pods verified got %v", p)
	}
}

func externalState(qname string, qtype uint16) request.Request {
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	return request.Request{W: &test.ResponseWriter{}, Req: m, Zone: "example.com."}
}

func TestExternal(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), nil)
	tests := []struct {
		qname    string
		headless bool
		want     []string // hosts:port
		rcode    int
	}{
		{"svc-ext.testns.example.com.", false, []string{"1.2.3.4:80", "5.6.7.8:80"}, dns.RcodeSuccess},
		{"_http._tcp.svc-ext.testns.example.com.", false, []string{"1.2.3.4:80", "5.6.7.8:80"}, dns.RcodeSuccess},
		{"_https._tcp.svc-ext.testns.example.com.", false, nil, dns.RcodeNameError},
		{"svc1.testns.example.com.", false, nil, dns.RcodeNameError},
		{"testns.example.com.", false, nil, dns.RcodeSuccess},
		{"svc1.nons.example.com.", false, nil, dns.RcodeNameError},
		{"hdls1.testns.example.com.", true, []string{"172.0.0.2:80", "172.0.0.3:80", "5678:abcd::1:80"}, dns.RcodeSuccess},
		{"dup-name.hdls1.testns.example.com.", true, []string{"172.0.0.2:80"}, dns.RcodeSuccess},
		{"hdls1.testns.example.com.", false, nil, dns.RcodeNameError},
	}
	for _, tc := range tests {
		svcs, rcode := k.External(externalState(tc.qname, dns.TypeA), tc.headless)
		if rcode != tc.rcode {
			t.Errorf("%s: rcode %d, want %d", tc.qname, rcode, tc.rcode)
		}
		if got, want := hostPorts(svcs), strings.Join(tc.want, ","); got != want {
			t.Errorf("%s: got %s, want %s", tc.qname, got, want)
		}
	}

	if got := hostPorts(k.ExternalServices("example.com.", false)); got != "1.2.3.4:80,5.6.7.8:80" {
		t.Errorf("ExternalServices: %s", got)
	}
	svcs, err := k.ExternalReverse("4.3.2.1.in-addr.arpa.")
	if err != nil || len(svcs) != 1 || svcs[0].Host != "svc-ext.testns" {
		t.Errorf("ExternalReverse: %v %v", svcs, err)
	}
	if _, err := k.ExternalReverse("9.9.9.9"); err == nil {
		t.Error("ExternalReverse of an unknown IP succeeded")
	}
	if k.ExternalSerial("example.com.") == 0 {
		t.Error("ExternalSerial is zero")
	}
	if rrs := k.ExternalAddress(externalState("example.com.", dns.TypeNS), false); len(rrs) != 0 {
		t.Errorf("kube-dns has no external IPs, got %v", rrs)
	}
}

func hostPorts(svcs []msg.Service) string {
	var out []string
	for _, s := range svcs {
		out = append(out, s.Host+":"+itoa(s.Port))
	}
	return strings.Join(out, ",")
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestMetadata(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), func(k *Kubernetes) { k.podMode = podModeVerified })
	state := request.Request{W: &test.ResponseWriter{RemoteIP: "10.244.0.5"}, Req: new(dns.Msg)}
	state.Req.SetQuestion("_http._tcp.svc1.testns.svc.cluster.local.", dns.TypeSRV)
	ctx := k.Metadata(metadata.ContextWithMetadata(context.Background()), state)
	for label, want := range map[string]string{
		"kubernetes/kind": "svc", "kubernetes/namespace": "testns", "kubernetes/service": "svc1",
		"kubernetes/port-name": "http", "kubernetes/protocol": "tcp", "kubernetes/endpoint": "",
		"kubernetes/client-namespace": "testns", "kubernetes/client-pod-name": "pod1",
	} {
		f := metadata.ValueFunc(ctx, label)
		if f == nil {
			t.Errorf("%s not set", label)
			continue
		}
		if got := f(); got != want {
			t.Errorf("%s = %q, want %q", label, got, want)
		}
	}
}

func TestMulticluster(t *testing.T) {
	objs := clusterObjects()
	mcs := slice("testns", "mcs-1", "", discovery.AddressTypeIPv4,
		[]ep{{ip: "10.1.0.1", hostname: "web-0"}, {ip: "10.1.0.2"}}, port{"http", "TCP", 80})
	mcs.Labels = map[string]string{object.MCSServiceNameLabel: "mhdls", object.MCSSourceClusterLabel: "east"}
	objs = append(objs, mcs)

	imports := []runtime.Object{
		serviceImport("testns", "msvc", "ClusterSetIP", []string{"10.2.0.1"}),
		serviceImport("testns", "mhdls", "Headless", nil),
	}
	scheme := runtime.NewScheme()
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme,
		map[schema.GroupVersionResource]string{object.ServiceImportResource: "ServiceImportList"}, imports...)

	k := New([]string{"cluster.local.", "clusterset.local."})
	k.multiclusterZones = []string{"clusterset.local."}
	k.opts.multicluster = true
	k.apiConn = newController(fake.NewClientset(objs...), dyn, k.opts)
	k.apiConn.Run()
	t.Cleanup(k.apiConn.Stop)
	waitSynced(t, k.apiConn)

	soa := test.SOA("clusterset.local. 5 IN SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1 7200 1800 86400 5")
	runCases(t, k, []test.Case{
		{Qname: "msvc.testns.svc.clusterset.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("msvc.testns.svc.clusterset.local. 5 IN A 10.2.0.1")}},
		{Qname: "_http._tcp.msvc.testns.svc.clusterset.local.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_http._tcp.msvc.testns.svc.clusterset.local. 5 IN SRV 0 100 80 msvc.testns.svc.clusterset.local.")},
			Extra:  []dns.RR{test.A("msvc.testns.svc.clusterset.local. 5 IN A 10.2.0.1")}},
		{Qname: "mhdls.testns.svc.clusterset.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.A("mhdls.testns.svc.clusterset.local. 5 IN A 10.1.0.1"),
				test.A("mhdls.testns.svc.clusterset.local. 5 IN A 10.1.0.2"),
			}},
		{Qname: "web-0.east.mhdls.testns.svc.clusterset.local.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("web-0.east.mhdls.testns.svc.clusterset.local. 5 IN A 10.1.0.1")}},
		{Qname: "web-0.west.mhdls.testns.svc.clusterset.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError,
			Authoritative: true, Ns: []dns.RR{soa}},
		{Qname: "svc1.testns.svc.clusterset.local.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError,
			Authoritative: true, Ns: []dns.RR{soa}},
		// The local zone does not see the ServiceImports.
		nxdomain("msvc.testns.svc.cluster.local.", dns.TypeA),
	})
}

func serviceImport(namespace, name, typ string, ips []string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "multicluster.x-k8s.io/v1alpha1",
		"kind":       "ServiceImport",
		"metadata":   map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{
			"type":  typ,
			"ports": []any{map[string]any{"name": "http", "protocol": "TCP", "port": int64(80)}},
		},
	}}
	if ips != nil {
		list := make([]any, len(ips))
		for i, ip := range ips {
			list[i] = ip
		}
		u.Object["spec"].(map[string]any)["ips"] = list
	}
	u.SetCreationTimestamp(metav1.Now())
	return u
}
