package kubernetes

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const (
	soaCluster = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5"
	soaReverse = "in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1 7200 1800 86400 5"
)

func nxdomain(qname string, qtype uint16) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{test.SOA(soaCluster)}}
}

func nodata(qname string, qtype uint16) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Rcode: dns.RcodeSuccess, Authoritative: true, Ns: []dns.RR{test.SOA(soaCluster)}}
}

var defaultCases = []test.Case{
	// ClusterIP services.
	{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
	{Qname: "SVC1.TestNS.svc.Cluster.Local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1")}},
	nodata("svc1.testns.svc.cluster.local.", dns.TypeAAAA),
	nodata("svc1.testns.svc.cluster.local.", dns.TypeMX),
	nodata("svc1.testns.svc.cluster.local.", dns.TypeTXT),
	{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
		Answer: []dns.RR{test.SRV("svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.")},
		Extra:  []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
	{Qname: "_http._tcp.svc1.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
		Answer: []dns.RR{test.SRV("_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local.")},
		Extra:  []dns.RR{test.A("svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
	{Qname: "_http._tcp.svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("_http._tcp.svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1")}},
	nxdomain("_https._tcp.svc1.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("_http._udp.svc1.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("*._tcp.svc1.testns.svc.cluster.local.", dns.TypeSRV), // no wildcards
	// An endpoint name of a ClusterIP service.
	{Qname: "172-0-0-1.svc1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("172-0-0-1.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1")}},
	nxdomain("172-0-0-9.svc1.testns.svc.cluster.local.", dns.TypeA),

	// Dual stack.
	{Qname: "dual.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("dual.testns.svc.cluster.local. 5 IN A 10.0.0.3")}},
	{Qname: "dual.testns.svc.cluster.local.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("dual.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::3")}},
	{Qname: "dual.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
		Answer: []dns.RR{
			test.SRV("dual.testns.svc.cluster.local. 5 IN SRV 0 25 443 dual.testns.svc.cluster.local."),
			test.SRV("dual.testns.svc.cluster.local. 5 IN SRV 0 25 53 dual.testns.svc.cluster.local."),
		},
		Extra: []dns.RR{
			test.A("dual.testns.svc.cluster.local. 5 IN A 10.0.0.3"),
			test.AAAA("dual.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::3"),
		}},
	{Qname: "_https._tcp.dual.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
		Answer: []dns.RR{test.SRV("_https._tcp.dual.testns.svc.cluster.local. 5 IN SRV 0 50 443 dual.testns.svc.cluster.local.")},
		Extra: []dns.RR{
			test.A("dual.testns.svc.cluster.local. 5 IN A 10.0.0.3"),
			test.AAAA("dual.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::3"),
		}},

	// A service without ports has addresses but no SRV records.
	{Qname: "noports.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("noports.testns.svc.cluster.local. 5 IN A 10.0.0.4")}},
	nodata("noports.testns.svc.cluster.local.", dns.TypeSRV),

	// Headless services: the ready endpoints.
	{Qname: "hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{
			test.A("hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"),
			test.A("hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"),
		}},
	{Qname: "hdls1.testns.svc.cluster.local.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1")}},
	{Qname: "dup-name.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2")}},
	{Qname: "172-0-0-3.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3")}},
	{Qname: "5678-abcd--1.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1")}},
	nodata("dup-name.hdls1.testns.svc.cluster.local.", dns.TypeAAAA),
	nxdomain("172-0-0-4.hdls1.testns.svc.cluster.local.", dns.TypeA),   // not ready
	nxdomain("hdls1-pod-3.hdls1.testns.svc.cluster.local.", dns.TypeA), // no endpoint_pod_names
	{Qname: "_http._tcp.hdls1.testns.svc.cluster.local.", Qtype: dns.TypeSRV, Authoritative: true,
		Answer: []dns.RR{
			test.SRV("_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 80 dup-name.hdls1.testns.svc.cluster.local."),
			test.SRV("_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 80 172-0-0-3.hdls1.testns.svc.cluster.local."),
			test.SRV("_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 33 80 5678-abcd--1.hdls1.testns.svc.cluster.local."),
		},
		Extra: []dns.RR{
			test.A("dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"),
			test.A("172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"),
			test.AAAA("5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"),
		}},
	// Headless without ready endpoints does not exist.
	nxdomain("hdlsempty.testns.svc.cluster.local.", dns.TypeA),
	nxdomain("hdlsempty.testns.svc.cluster.local.", dns.TypeSRV),

	// ExternalName.
	{Qname: "external.testns.svc.cluster.local.", Qtype: dns.TypeCNAME, Authoritative: true,
		Answer: []dns.RR{test.CNAME("external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.")}},
	nodata("external.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("_http._tcp.external.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("extip.testns.svc.cluster.local.", dns.TypeA),

	// Wildcards are gone: "*" and "any" are ordinary (non-existent) names.
	nxdomain("svc1.*.svc.cluster.local.", dns.TypeA),
	nxdomain("*.hdls1.testns.svc.cluster.local.", dns.TypeA),
	nxdomain("any.any.svc.cluster.local.", dns.TypeAAAA),
	nxdomain("any.testns.svc.cluster.local.", dns.TypeA),
	nxdomain("*.kube-system.svc.cluster.local.", dns.TypeAAAA),
	nxdomain("*.nons.svc.cluster.local.", dns.TypeA),
	nxdomain("_*._tcp.svc1.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("_http._*.svc1.testns.svc.cluster.local.", dns.TypeSRV),
	nxdomain("10-244-0-5.*.pod.cluster.local.", dns.TypeA),

	// Names that exist without records, and names that do not.
	nodata("cluster.local.", dns.TypeA),
	nodata("svc.cluster.local.", dns.TypeA),
	nodata("pod.cluster.local.", dns.TypeA),
	nodata("testns.svc.cluster.local.", dns.TypeA),
	nodata("testns.svc.cluster.local.", dns.TypeTXT),
	nodata("testns.pod.cluster.local.", dns.TypeA),
	nxdomain("nons.svc.cluster.local.", dns.TypeA),
	nxdomain("orphan.nons.svc.cluster.local.", dns.TypeA), // service in a namespace that does not exist
	nxdomain("nosvc.testns.svc.cluster.local.", dns.TypeA),
	nxdomain("nosvc.testns.svc.cluster.local.", dns.TypeTXT),
	nxdomain("foo.cluster.local.", dns.TypeA),
	nxdomain("a.b.c.d.svc1.testns.svc.cluster.local.", dns.TypeA),
	nxdomain("svc1.testns.svc.cluster.local.", dns.TypeAXFR+0), // replaced below

	// Pods (insecure).
	{Qname: "10-244-0-5.testns.pod.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("10-244-0-5.testns.pod.cluster.local. 5 IN A 10.244.0.5")}},
	{Qname: "10-9-9-9.testns.pod.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("10-9-9-9.testns.pod.cluster.local. 5 IN A 10.9.9.9")}},
	{Qname: "1234-abcd--1.testns.pod.cluster.local.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("1234-abcd--1.testns.pod.cluster.local. 5 IN AAAA 1234:abcd::1")}},
	nxdomain("not-an-ip.testns.pod.cluster.local.", dns.TypeA),
	nxdomain("10-244-0-5.nons.pod.cluster.local.", dns.TypeA),

	// The zone apex and the special names.
	{Qname: "cluster.local.", Qtype: dns.TypeSOA, Authoritative: true, Answer: []dns.RR{test.SOA(soaCluster)}},
	{Qname: "cluster.local.", Qtype: dns.TypeNS, Authoritative: true,
		Answer: []dns.RR{test.NS("cluster.local. 5 IN NS kube-dns.kube-system.svc.cluster.local.")},
		Extra:  []dns.RR{test.A("kube-dns.kube-system.svc.cluster.local. 5 IN A 10.0.0.10")}},
	{Qname: "ns.dns.cluster.local.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("ns.dns.cluster.local. 5 IN A 10.0.0.10")}},
	nodata("ns.dns.cluster.local.", dns.TypeAAAA),
	{Qname: "dns-version.cluster.local.", Qtype: dns.TypeTXT, Authoritative: true,
		Answer: []dns.RR{test.TXT(`dns-version.cluster.local. 28800 IN TXT "1.1.0"`)}},
	nodata("dns-version.cluster.local.", dns.TypeA),
	nodata("svc.cluster.local.", dns.TypeSOA),
	nodata("svc1.testns.svc.cluster.local.", dns.TypeNS),
	nxdomain("nosvc.testns.svc.cluster.local.", dns.TypeNS),

	// Reverse.
	{Qname: "1.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
		Answer: []dns.RR{test.PTR("1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local.")}},
	{Qname: "2.0.0.172.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
		Answer: []dns.RR{test.PTR("2.0.0.172.in-addr.arpa. 5 IN PTR dup-name.hdls1.testns.svc.cluster.local.")}},
	{Qname: "3.0.0.172.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
		Answer: []dns.RR{test.PTR("3.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-3.hdls1.testns.svc.cluster.local.")}},
	{Qname: "3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", Qtype: dns.TypePTR, Authoritative: true,
		Answer: []dns.RR{test.PTR("3.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR dual.testns.svc.cluster.local.")}},
	{Qname: "9.9.9.10.in-addr.arpa.", Qtype: dns.TypePTR, Rcode: dns.RcodeNameError, Authoritative: true,
		Ns: []dns.RR{test.SOA(soaReverse)}},
	{Qname: "20.0.0.10.in-addr.arpa.", Qtype: dns.TypePTR, Authoritative: true,
		Answer: []dns.RR{test.PTR("20.0.0.10.in-addr.arpa. 5 IN PTR svc2.otherns.svc.cluster.local.")}},
}

func init() {
	// AXFR over the query path is refused.
	for i := range defaultCases {
		if defaultCases[i].Qtype == dns.TypeAXFR {
			defaultCases[i] = test.Case{Qname: "svc1.testns.svc.cluster.local.", Qtype: dns.TypeAXFR, Rcode: dns.RcodeRefused}
		}
	}
}

func runCases(t *testing.T, k *Kubernetes, cases []test.Case) {
	t.Helper()
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.Qname+"/"+dns.TypeToString[tc.Qtype], func(t *testing.T) {
			w := dnstest.NewRecorder(&test.ResponseWriter{})
			rcode, err := k.ServeDNS(ctx, w, tc.Msg())
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if w.Msg == nil {
				if rcode != tc.Rcode {
					t.Fatalf("rcode %d without a written reply, want %d", rcode, tc.Rcode)
				}
				return
			}
			if err := test.SortAndCheck(w.Msg, tc); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestServeDNS(t *testing.T) {
	k := newTestKubernetes(t, clusterObjects(), nil)
	runCases(t, k, defaultCases)
}
