package test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestRepoCorefile starts the Corefile at the top of the repository (what
// `make run` serves), on a free port instead of 1053, and asks it the query
// the README suggests, over UDP and TCP.
func TestRepoCorefile(t *testing.T) {
	b, err := os.ReadFile("../Corefile")
	if err != nil {
		t.Fatal(err)
	}
	corefile := string(b)
	if !strings.Contains(corefile, ".:1053 {") {
		t.Fatalf("the Corefile no longer serves .:1053; update this test and the README:\n%s", corefile)
	}
	corefile = strings.Replace(corefile, ".:1053 {", ".:0 {", 1)
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("the repository's Corefile does not start: %v", err)
	}
	defer i.Stop()

	for network, addr := range map[string]string{"udp": udp, "tcp": tcp} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		m := new(dns.Msg)
		m.SetQuestion("whoami.example.", dns.TypeA)
		r, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if r.Rcode != dns.RcodeSuccess || len(r.Extra) != 2 {
			t.Errorf("%s: want whoami's answer, got %v", network, r)
			continue
		}
		if a, ok := r.Extra[0].(*dns.A); !ok || a.A.String() != "127.0.0.1" {
			t.Errorf("%s: want the client address 127.0.0.1 first, got %v", network, r.Extra)
		}
	}
}
