package kubernetes

import (
	"net"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/kubernetes/object"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"

	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

func ns(name string) *api.Namespace {
	return &api.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
}

type port struct {
	name, proto string
	port        int32
}

func svc(namespace, name, clusterIP string, ports ...port) *api.Service {
	s := &api.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: api.ServiceSpec{
			Type:      api.ServiceTypeClusterIP,
			ClusterIP: clusterIP,
			Selector:  map[string]string{"app": name},
		},
	}
	if clusterIP != "" && clusterIP != api.ClusterIPNone {
		s.Spec.ClusterIPs = []string{clusterIP}
	}
	for _, p := range ports {
		s.Spec.Ports = append(s.Spec.Ports, api.ServicePort{Name: p.name, Protocol: api.Protocol(p.proto), Port: p.port})
	}
	return s
}

type ep struct {
	ip, hostname, pod string
	notReady          bool
}

func slice(namespace, name, service string, family discovery.AddressType, eps []ep, ports ...port) *discovery.EndpointSlice {
	es := &discovery.EndpointSlice{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: namespace,
			Labels: map[string]string{discovery.LabelServiceName: service},
		},
		AddressType: family,
	}
	for _, e := range eps {
		ready := !e.notReady
		end := discovery.Endpoint{Addresses: []string{e.ip}, Conditions: discovery.EndpointConditions{Ready: &ready}}
		if e.hostname != "" {
			h := e.hostname
			end.Hostname = &h
		}
		if e.pod != "" {
			end.TargetRef = &api.ObjectReference{Kind: "Pod", Name: e.pod, Namespace: namespace}
		}
		es.Endpoints = append(es.Endpoints, end)
	}
	for _, p := range ports {
		name, proto, number := p.name, api.Protocol(p.proto), p.port
		es.Ports = append(es.Ports, discovery.EndpointPort{Name: &name, Protocol: &proto, Port: &number})
	}
	return es
}

func pod(namespace, name string, ips ...string) *api.Pod {
	p := &api.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}}
	for _, ip := range ips {
		p.Status.PodIPs = append(p.Status.PodIPs, api.PodIP{IP: ip})
	}
	if len(ips) > 0 {
		p.Status.PodIP = ips[0]
	}
	return p
}

// clusterObjects is the cluster most tests query.
func clusterObjects() []runtime.Object {
	dual := svc("testns", "dual", "10.0.0.3", port{"https", "TCP", 443}, port{"", "UDP", 53})
	dual.Spec.ClusterIPs = []string{"10.0.0.3", "1234:abcd::3"}
	ext := svc("testns", "external", "", port{"http", "TCP", 80})
	ext.Spec.Type = api.ServiceTypeExternalName
	ext.Spec.ExternalName = "ext.interwebs.test"
	withExt := svc("testns", "svc-ext", "10.0.0.5", port{"http", "TCP", 80})
	withExt.Spec.ExternalIPs = []string{"1.2.3.4"}
	withExt.Status.LoadBalancer.Ingress = []api.LoadBalancerIngress{{IP: "5.6.7.8"}}
	extIP := svc("testns", "extip", "", port{"http", "TCP", 80})
	extIP.Spec.Type = api.ServiceTypeExternalName
	extIP.Spec.ExternalName = "192.0.2.1" // not a name: no CNAME

	return []runtime.Object{
		ns("testns"), ns("kube-system"), ns("otherns"),
		svc("testns", "svc1", "10.0.0.1", port{"http", "TCP", 80}),
		svc("testns", "svcempty", "10.0.0.2", port{"http", "TCP", 80}),
		svc("testns", "hdls1", api.ClusterIPNone, port{"http", "TCP", 80}),
		svc("testns", "hdlsempty", api.ClusterIPNone, port{"http", "TCP", 80}),
		svc("testns", "noports", "10.0.0.4"),
		svc("kube-system", "kube-dns", "10.0.0.10", port{"dns", "UDP", 53}),
		svc("otherns", "svc2", "10.0.0.20", port{"http", "TCP", 80}),
		svc("nons", "orphan", "10.0.0.30", port{"http", "TCP", 80}), // its namespace does not exist
		dual, ext, withExt, extIP,
		slice("testns", "svc1-abc", "svc1", discovery.AddressTypeIPv4, []ep{{ip: "172.0.0.1"}}, port{"http", "TCP", 80}),
		slice("testns", "hdls1-v4", "hdls1", discovery.AddressTypeIPv4,
			[]ep{{ip: "172.0.0.2", hostname: "dup-name"}, {ip: "172.0.0.3", pod: "hdls1-pod-3"}, {ip: "172.0.0.4", notReady: true}},
			port{"http", "TCP", 80}),
		slice("testns", "hdls1-v6", "hdls1", discovery.AddressTypeIPv6, []ep{{ip: "5678:abcd::1"}}, port{"http", "TCP", 80}),
		slice("testns", "hdlsempty-1", "hdlsempty", discovery.AddressTypeIPv4, []ep{{ip: "172.0.0.9", notReady: true}}, port{"http", "TCP", 80}),
		slice("kube-system", "kube-dns-1", "kube-dns", discovery.AddressTypeIPv4, []ep{{ip: "127.0.0.1"}}, port{"dns", "UDP", 53}),
		pod("testns", "pod1", "10.244.0.5"),
		pod("otherns", "pod2", "10.244.0.6"),
	}
}

// newTestKubernetes returns a plugin for cluster.local and the reverse
// zones over a fake client holding objs, synced; configure may change the
// plugin before its controller is built.
func newTestKubernetes(t testing.TB, objs []runtime.Object, configure func(*Kubernetes)) *Kubernetes {
	t.Helper()
	routeKlog()
	k := New([]string{"cluster.local.", "in-addr.arpa.", "ip6.arpa."})
	k.podMode = podModeInsecure
	if configure != nil {
		configure(k)
	}
	k.opts.podNames = k.endpointNameMode
	k.opts.initPodCache = k.podMode == podModeVerified
	k.opts.namespaces = k.Namespaces
	k.apiConn = newController(fake.NewClientset(objs...), nil, k.opts)
	k.localIPs = []net.IP{net.ParseIP("127.0.0.1")}
	k.apiConn.Run()
	t.Cleanup(k.apiConn.Stop)
	waitSynced(t, k.apiConn)
	return k
}

func waitSynced(t testing.TB, c *controller) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !c.HasSynced() {
		if time.Now().After(deadline) {
			t.Fatal("informers did not sync")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// eventually waits for cond, for changes that arrive by watch.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var _ = object.Key{}

func requestFor(zone string) request.Request {
	m := new(dns.Msg)
	m.SetQuestion(zone, dns.TypeSOA)
	return request.Request{W: &test.ResponseWriter{}, Req: m, Zone: zone}
}
