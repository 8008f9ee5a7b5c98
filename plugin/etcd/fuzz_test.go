package etcd

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzServices feeds arbitrary values and query names through a lookup: it
// must answer without panicking.
func FuzzServices(f *testing.F) {
	f.Add(`{"host":"10.0.0.1","port":80}`, "a.skydns.test.", uint16(dns.TypeA))
	f.Add(`{"host":"x.skydns.test","mail":true,"targetstrip":9}`, "*.skydns.test.", uint16(dns.TypeMX))
	f.Add(`{"text":"`+string(make([]byte, 300))+`"}`, "a.skydns.test.", uint16(dns.TypeTXT))
	f.Add(`{"host":"a.skydns.test","port":-1}`, "any.skydns.test.", uint16(dns.TypeSRV))
	f.Fuzz(func(t *testing.T, value, qname string, qtype uint16) {
		if _, ok := dns.IsDomainName(qname); !ok {
			return
		}
		kv := &fakeKV{}
		kv.put("/skydns/test/skydns/a", value, 0)
		kv.put("/skydns/test/skydns/a/b", value, 7)
		e := newTestEtcd(kv, "skydns.test.")
		e.Next = test.NextHandler(dns.RcodeRefused, nil)
		m := new(dns.Msg).SetQuestion(dns.Fqdn(qname), qtype)
		e.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m) //nolint:errcheck // only panics matter
	})
}
