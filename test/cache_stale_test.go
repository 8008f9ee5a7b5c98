package test

import (
	"fmt"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// TestCacheServeStale stops the upstream of a cache and forward, lets the
// entry expire and checks that it is still served, with TTL 0, in both
// serve_stale modes.
func TestCacheServeStale(t *testing.T) {
	for _, mode := range []string{"immediate", "verify"} {
		t.Run(mode, func(t *testing.T) {
			up, err := CoreDNSServer(`.:0 {
    bind 127.0.0.1
    template IN A example.org {
        answer "{{ .Name }} 1 IN A 192.0.2.1"
    }
}
`)
			if err != nil {
				t.Fatal(err)
			}
			upAddr, _ := CoreDNSServerPorts(up, 0)
			stopped := false
			defer func() {
				if !stopped {
					CoreDNSServerStop(up)
				}
			}()

			i, udp, _, err := CoreDNSServerAndPorts(fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    cache {
        success 1000 3600 1
        serve_stale 1h %s
    }
    forward . %s {
        max_fails 0
    }
}
`, mode, upAddr))
			if err != nil {
				t.Fatal(err)
			}
			defer CoreDNSServerStop(i)

			fresh := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
				Answer: []dns.RR{test.A("www.example.org. 1 IN A 192.0.2.1")}}
			if err := test.SortAndCheck(queryA(t, udp, "www.example.org."), fresh); err != nil {
				t.Fatal(err)
			}

			CoreDNSServerStop(up)
			stopped = true
			time.Sleep(2100 * time.Millisecond)

			stale := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
				Answer: []dns.RR{test.A("www.example.org. 0 IN A 192.0.2.1")}}
			for range 2 {
				if err := test.SortAndCheck(queryA(t, udp, "www.example.org."), stale); err != nil {
					t.Error(err)
				}
			}
		})
	}
}
