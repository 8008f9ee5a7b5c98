package file

import (
	"context"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// FuzzParse feeds zone files to Parse and queries whatever loaded.
func FuzzParse(f *testing.F) {
	f.Add(zooZone, "host.zoo.test.")
	f.Add(secureZone, "b.secure.test.")
	f.Add("$ORIGIN zoo.test.\n@ IN SOA ns h 1 2 3 4 5\n*.a IN CNAME *.a\n", "x.a.zoo.test.")
	f.Add("$ORIGIN zoo.test.\n@ IN SOA ns h 1 2 3 4 5\nd IN DNAME zoo.test.\n", "x.d.zoo.test.")
	f.Fuzz(func(t *testing.T, zone, qname string) {
		z, err := Parse(strings.NewReader(zone), "zoo.test.", "fuzz", -1)
		if err != nil {
			return
		}
		if _, ok := dns.IsDomainName(qname); !ok || !dns.IsSubDomain("zoo.test.", strings.ToLower(dns.Fqdn(qname))) {
			return
		}
		for _, typ := range []uint16{dns.TypeA, dns.TypeCNAME, dns.TypeNS, dns.TypeSOA, dns.TypeDS, dns.TypeMX} {
			m := new(dns.Msg)
			m.SetQuestion(dns.Fqdn(qname), typ)
			m.SetEdns0(4096, true)
			state := request.Request{W: &test.ResponseWriter{}, Req: m}
			z.Lookup(context.Background(), state, state.Name())
		}
	})
}

func TestCommonLabels(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"a.b.example.", "c.b.example.", 2},
		{"a.b.example.", "A.B.EXAMPLE.", 3},
		{"example.", "example.", 1},
		{".", "example.", 0},
		{`x\.b.example.`, "b.example.", 1},
		{"a.example", "b.example.", 1},
		{"ab.example.", "b.example.", 1},
	}
	for _, tc := range tests {
		if got := commonLabels(tc.a, tc.b); got != tc.want {
			t.Errorf("commonLabels(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
