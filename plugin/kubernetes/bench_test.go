package kubernetes

import (
	"context"
	"runtime"
	"strconv"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	discovery "k8s.io/api/discovery/v1"
	krt "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

// scaleObjects builds services Services in 100 namespaces, each with one
// EndpointSlice of perService endpoints (every tenth service headless), and
// pods Pods.
func scaleObjects(services, perService, pods int) []krt.Object {
	objs := make([]krt.Object, 0, 100+2*services+pods)
	for n := range 100 {
		objs = append(objs, ns("ns-"+strconv.Itoa(n)))
	}
	ip := func(i int) string {
		return "10." + strconv.Itoa(i>>16&255) + "." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
	}
	epIP := 0
	for i := range services {
		namespace := "ns-" + strconv.Itoa(i%100)
		name := "service-" + strconv.Itoa(i)
		clusterIP := "172.16." + strconv.Itoa(i>>8&255) + "." + strconv.Itoa(i&255)
		if i%10 == 0 {
			clusterIP = "None"
		}
		objs = append(objs, svc(namespace, name, clusterIP, port{"http", "TCP", 80}))
		eps := make([]ep, perService)
		for j := range eps {
			eps[j] = ep{ip: ip(epIP), pod: name + "-" + strconv.Itoa(j)}
			epIP++
		}
		objs = append(objs, slice(namespace, name+"-abcde", name, discovery.AddressTypeIPv4, eps, port{"http", "TCP", 80}))
	}
	for i := range pods {
		p := pod("ns-"+strconv.Itoa(i%100), "pod-"+strconv.Itoa(i), ip(i))
		objs = append(objs, p)
	}
	return objs
}

func heapInUse() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkStoreMemory loads 10,000 Services and EndpointSlices (50,000
// endpoints) and 50,000 Pods through the informers and reports the heap the
// plugin keeps once the API objects are gone. Run with -benchtime=1x.
func BenchmarkStoreMemory(b *testing.B) {
	const services, perService, pods = 10000, 5, 50000
	for range b.N {
		before := heapInUse()
		opts := controlOpts{initEndpointsCache: true, initPodCache: true}
		c := newController(fake.NewClientset(scaleObjects(services, perService, pods)...), nil, opts)
		c.Run()
		waitSynced(b, c)
		if got := c.svc.len() + c.eps.len() + c.pod.len(); got != 2*services+pods {
			b.Fatalf("loaded %d objects", got)
		}
		c.Stop()
		c.client, c.informers = nil, nil // drop the fake API server's copies
		kept := heapInUse() - before
		b.ReportMetric(float64(kept)/(1<<20), "MiB-heap")
		b.ReportMetric(float64(kept)/float64(services+pods), "B/pod+svc")
		b.ReportMetric(float64(kept)/float64(2*services+pods), "B/object")
		runtime.KeepAlive(c)
	}
}

// BenchmarkServeDNS measures answering from the loaded data.
func BenchmarkServeDNS(b *testing.B) {
	k := newTestKubernetes(b, scaleObjects(10000, 5, 0), nil)
	cases := []struct {
		name  string
		qname string
		qtype uint16
	}{
		{"ClusterIP-A", "service-1234.ns-34.svc.cluster.local.", dns.TypeA},
		{"Headless-A", "service-1230.ns-30.svc.cluster.local.", dns.TypeA},
		{"SRV", "_http._tcp.service-1234.ns-34.svc.cluster.local.", dns.TypeSRV},
		{"PTR", "1.4.16.172.in-addr.arpa.", dns.TypePTR},
		{"NXDOMAIN", "nothere.ns-34.svc.cluster.local.", dns.TypeA},
		{"Pod-insecure", "10-0-0-1.ns-34.pod.cluster.local.", dns.TypeA},
	}
	ctx := context.Background()
	for _, tc := range cases {
		m := new(dns.Msg)
		m.SetQuestion(tc.qname, tc.qtype)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				w := dnstest.NewRecorder(&test.ResponseWriter{})
				k.ServeDNS(ctx, w, m) //nolint:errcheck
				if w.Msg == nil || (w.Msg.Rcode == dns.RcodeSuccess && len(w.Msg.Answer) == 0) {
					b.Fatalf("%s: no answer: %v", tc.qname, w.Msg)
				}
			}
		})
	}
}
