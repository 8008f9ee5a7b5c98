package kubernetes

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/kubernetes/apiservertest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	discovery "k8s.io/api/discovery/v1"
)

// TestEndToEnd runs the plugin over the real client path: a kubeconfig
// that points at an in-process API server, list and watch (the watch is
// dropped and must resume), queries over UDP and TCP.
func TestEndToEnd(t *testing.T) {
	apiserver := apiservertest.New(clusterObjects()...)
	defer apiserver.Close()
	kubeconfig, err := apiserver.Kubeconfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	c := caddy.NewTestController("dns", "kubernetes cluster.local in-addr.arpa {\nkubeconfig "+kubeconfig+"\npods verified\nttl 10\n}")
	c.ServerBlockKeys = []string{"cluster.local:53"}
	k, err := kubernetesParse(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.initKubeCache(); err != nil {
		t.Fatal(err)
	}
	k.localIPs = []net.IP{net.ParseIP("127.0.0.1")}
	if k.Ready() {
		t.Fatal("ready before start")
	}
	k.startAndWait()
	defer k.apiConn.Stop()
	if !k.Ready() {
		t.Fatal("not ready after start")
	}

	addr, stop := serveDNS(t, k)
	defer stop()

	query := func(qname string, qtype uint16, tc test.Case) {
		t.Helper()
		tc.Qname, tc.Qtype = qname, qtype
		for _, proto := range []string{"udp", "tcp"} {
			cl := &dns.Client{Net: proto, Timeout: 2 * time.Second}
			resp, _, err := cl.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s: %v", proto, qname, err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", proto, err)
			}
		}
	}
	soa := []dns.RR{test.SOA("cluster.local. 10 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 10")}

	query("svc1.testns.svc.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 10 IN A 10.0.0.1")}})
	query("dual.testns.svc.cluster.local.", dns.TypeAAAA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.AAAA("dual.testns.svc.cluster.local. 10 IN AAAA 1234:abcd::3")}})
	query("10-244-0-5.testns.pod.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("10-244-0-5.testns.pod.cluster.local. 10 IN A 10.244.0.5")}})
	query("new.testns.svc.cluster.local.", dns.TypeA, test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa})

	// An update by watch.
	apiserver.Add(svc("testns", "new", "10.0.0.77", port{"http", "TCP", 80}))
	eventually(t, "watch add", func() bool { return k.apiConn.servicesByIP("10.0.0.77") != nil })
	query("new.testns.svc.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("new.testns.svc.cluster.local. 10 IN A 10.0.0.77")}})

	// Drop every watch, change things while they are down, and see the
	// clients resume from where they were.
	watches := apiserver.Watches()
	apiserver.DropWatches()
	apiserver.Update(slice("testns", "hdls1-v4", "hdls1", discovery.AddressTypeIPv4, []ep{{ip: "172.0.0.8", hostname: "fresh"}}, port{"http", "TCP", 80}))
	gone := svc("testns", "new", "10.0.0.77")
	apiserver.Delete(gone)
	eventually(t, "resumed watch", func() bool {
		return apiserver.Watches() > watches && k.apiConn.servicesByIP("10.0.0.77") == nil && k.apiConn.slicesByIP("172.0.0.8") != nil
	})
	query("fresh.hdls1.testns.svc.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("fresh.hdls1.testns.svc.cluster.local. 10 IN A 172.0.0.8")}})
	query("hdls1.testns.svc.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("hdls1.testns.svc.cluster.local. 10 IN A 172.0.0.8")}})
	query("new.testns.svc.cluster.local.", dns.TypeA, test.Case{Rcode: dns.RcodeNameError, Authoritative: true, Ns: soa})

	// With the API server gone the last known data is still served.
	apiserver.Close()
	query("svc1.testns.svc.cluster.local.", dns.TypeA, test.Case{Authoritative: true,
		Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 10 IN A 10.0.0.1")}})
}

// serveDNS serves k on a loopback UDP and TCP port.
func serveDNS(t *testing.T, k *Kubernetes) (string, func()) {
	t.Helper()
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	for range 20 { // the UDP port may be taken for TCP
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) { k.ServeDNS(context.Background(), w, r) }) //nolint:errcheck
	udp := &dns.Server{PacketConn: pc, Handler: h}
	tcp := &dns.Server{Listener: l, Handler: h}
	go udp.ActivateAndServe()                                                 //nolint:errcheck
	go tcp.ActivateAndServe()                                                 //nolint:errcheck
	return pc.LocalAddr().String(), func() { udp.Shutdown(); tcp.Shutdown() } //nolint:errcheck
}
