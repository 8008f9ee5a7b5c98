package kubernetes

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	api "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// directObjects adds to the usual cluster the cases the direct answers
// must get right: many endpoints, repeated addresses, several ports, a
// service whose slice has a port -1.
func directObjects() []runtime.Object {
	objs := clusterObjects()
	var many []ep
	for i := range 40 {
		many = append(many, ep{ip: "10.9.0." + itoa(i%30), pod: "many-" + itoa(i)})
	}
	multi := svc("testns", "multi", "10.0.0.40", port{"http", "TCP", 80}, port{"https", "TCP", 443}, port{"dns", "UDP", 53})
	multi.Spec.ClusterIPs = []string{"10.0.0.40", "10.0.0.40", "fd00::40"}
	return append(objs,
		svc("testns", "many", api.ClusterIPNone, port{"http", "TCP", 80}, port{"alt", "TCP", 8080}),
		slice("testns", "many-1", "many", discovery.AddressTypeIPv4, many, port{"http", "TCP", 80}, port{"alt", "TCP", 8080}),
		multi,
		svc("testns", "portless", api.ClusterIPNone),
		slice("testns", "portless-1", "portless", discovery.AddressTypeIPv4, []ep{{ip: "10.8.0.1"}, {ip: "10.8.0.1"}}),
		pod("testns", "pod3", "10.244.0.7", "fd00::7"),
	)
}

// TestDirectMatchesGeneric checks that the direct answers are the answers
// of the generic path, byte for byte, in every pod mode.
func TestDirectMatchesGeneric(t *testing.T) {
	names := []string{
		"svc1.testns.svc.cluster.local.", "SVC1.TestNS.svc.Cluster.Local.", "hdls1.testns.svc.cluster.local.",
		"hdlsempty.testns.svc.cluster.local.", "dual.testns.svc.cluster.local.", "noports.testns.svc.cluster.local.",
		"external.testns.svc.cluster.local.", "extip.testns.svc.cluster.local.", "svc-ext.testns.svc.cluster.local.",
		"orphan.nons.svc.cluster.local.", "svc2.otherns.svc.cluster.local.", "many.testns.svc.cluster.local.",
		"multi.testns.svc.cluster.local.", "portless.testns.svc.cluster.local.", "nothere.testns.svc.cluster.local.",
		"testns.svc.cluster.local.", "svc.cluster.local.", "cluster.local.", "a.b.c.d.e.f.testns.svc.cluster.local.",
		"dup-name.hdls1.testns.svc.cluster.local.", "172-0-0-3.hdls1.testns.svc.cluster.local.",
		"hdls1-pod-3.hdls1.testns.svc.cluster.local.", "5678-abcd--1.hdls1.testns.svc.cluster.local.",
		"many-3.many.testns.svc.cluster.local.", "10-9-0-3.many.testns.svc.cluster.local.",
		"172-0-0-1.svc1.testns.svc.cluster.local.", "x.svc1.testns.svc.cluster.local.",
		"_http._tcp.svc1.testns.svc.cluster.local.", "_HTTP._TCP.svc1.testns.svc.cluster.local.",
		"_http._udp.svc1.testns.svc.cluster.local.", "_https._tcp.dual.testns.svc.cluster.local.",
		"_._udp.dual.testns.svc.cluster.local.", "_http._tcp.hdls1.testns.svc.cluster.local.",
		"_alt._tcp.many.testns.svc.cluster.local.", "_http._tcp.external.testns.svc.cluster.local.",
		"_dns._udp.multi.testns.svc.cluster.local.", "_x._tcp.multi.testns.svc.cluster.local.",
		"10-244-0-5.testns.pod.cluster.local.", "10-244-0-5.otherns.pod.cluster.local.", "10-244-0-7.testns.pod.cluster.local.",
		"010-244-0-5.testns.pod.cluster.local.", "10-244-0-256.testns.pod.cluster.local.", "fd00--7.testns.pod.cluster.local.",
		"10-244-0.testns.pod.cluster.local.", "pod1.testns.pod.cluster.local.", "testns.pod.cluster.local.",
		"10-244-0-5.nons.pod.cluster.local.", "x.10-244-0-5.testns.pod.cluster.local.",
		"ns.dns.cluster.local.", "dns-version.cluster.local.",
		"1.0.0.10.in-addr.arpa.", "3.0.0.10.in-addr.arpa.", "2.0.0.172.in-addr.arpa.", "3.0.0.172.in-addr.arpa.",
		"3.0.9.10.in-addr.arpa.", "30.0.0.10.in-addr.arpa.", "1.0.0.127.in-addr.arpa.", "9.9.9.9.in-addr.arpa.",
		"01.0.0.10.in-addr.arpa.", "0.0.10.in-addr.arpa.", "1.1.0.0.10.in-addr.arpa.", "1.0.0.10.IN-ADDR.ARPA.",
		"256.0.0.10.in-addr.arpa.", "in-addr.arpa.",
		"3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.",
	}
	types := []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeSRV, dns.TypePTR}
	configs := map[string]func(*Kubernetes){
		"insecure": nil,
		"verified": func(k *Kubernetes) { k.podMode = podModeVerified },
		"disabled": func(k *Kubernetes) { k.podMode = podModeDisabled },
		"podnames": func(k *Kubernetes) { k.endpointNameMode = true; k.ignoreEmpty = true },
	}
	ctx := context.Background()
	for cname, configure := range configs {
		k := newTestKubernetes(t, directObjects(), configure)
		for _, name := range names {
			for _, qtype := range types {
				m := new(dns.Msg)
				m.SetQuestion(name, qtype)
				k.genericOnly = true
				want := dnstest.NewRecorder(&test.ResponseWriter{})
				wantRcode, wantErr := k.ServeDNS(ctx, want, m)
				k.genericOnly = false
				got := dnstest.NewRecorder(&test.ResponseWriter{})
				gotRcode, gotErr := k.ServeDNS(ctx, got, m)
				what := cname + " " + name + " " + dns.TypeToString[qtype]
				if gotRcode != wantRcode || gotErr != wantErr {
					t.Errorf("%s: rcode %d, %v; want %d, %v", what, gotRcode, gotErr, wantRcode, wantErr)
					continue
				}
				if (got.Msg == nil) != (want.Msg == nil) {
					t.Errorf("%s: reply %v; want %v", what, got.Msg, want.Msg)
					continue
				}
				if got.Msg == nil {
					continue
				}
				gotWire, err1 := got.Msg.Pack()
				wantWire, err2 := want.Msg.Pack()
				if err1 != nil || err2 != nil || string(gotWire) != string(wantWire) || got.Msg.String() != want.Msg.String() {
					t.Errorf("%s:\n%v\nwant\n%v", what, got.Msg, want.Msg)
				}
			}
		}
	}
}
