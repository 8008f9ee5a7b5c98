package hosts

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// FuzzParse feeds hosts files to the parser and queries what it loaded.
func FuzzParse(f *testing.F) {
	f.Add(hostsData, "host.example.org.")
	f.Add("::ffff:1.2.3.4 a.example.org\n", "4.3.2.1.in-addr.arpa.")
	f.Add("1.2.3.4 \x00 # x\n\t\t", "x.")
	f.Fuzz(func(t *testing.T, data, qname string) {
		h := newTestHosts(t, data, nil, fall.Zero, true)
		if _, ok := dns.IsDomainName(qname); !ok {
			return
		}
		for _, typ := range []uint16{dns.TypeA, dns.TypeAAAA, dns.TypePTR, dns.TypeMX} {
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(qname), typ)
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			h.ServeDNS(context.Background(), rec, m) //nolint:errcheck // only crashes matter
		}
	})
}
