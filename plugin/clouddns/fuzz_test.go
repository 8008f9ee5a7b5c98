package clouddns

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	gdns "google.golang.org/api/dns/v1"
)

// FuzzNewZone feeds arbitrary record sets, as the API might return them,
// through zone building and a lookup: nothing may panic.
func FuzzNewZone(f *testing.F) {
	f.Add("www.example.org.", "A", int64(300), "192.0.2.1")
	f.Add("example.org.", "TXT", int64(60), `"a" "b"`)
	f.Add("example.org.", "SOA", int64(60), "ns. mbox. 1 2 3 4 5")
	f.Add("x.example.org.", "CNAME", int64(-1), "$ORIGIN")
	f.Fuzz(func(t *testing.T, name, typ string, ttl int64, data string) {
		h := newCloudDNS(nil, []zoneKey{{"example.org.", "p", "z"}})
		z := h.newZone("example.org.", []*gdns.ResourceRecordSet{
			rrset("example.org.", "SOA", 60, "ns.example.org. mbox.example.org. 1 2 3 4 5"),
			{Name: name, Type: typ, Ttl: ttl, Rrdatas: []string{data}},
		})
		h.zones["example.org."][0].z = z
		m := new(dns.Msg)
		m.SetQuestion("www.example.org.", dns.TypeA)
		h.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m)
	})
}
