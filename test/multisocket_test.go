package test

import (
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestMultisocket(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	corefile := `example.org:` + p + ` {
		bind 127.0.0.1
		multisocket 3
		whoami
	}
	example.net:` + p + ` {
		bind 127.0.0.1
		whoami
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer CoreDNSServerStop(i)

	if n := len(i.Servers()); n != 3 {
		t.Fatalf("started %d servers, want 3", n)
	}
	for k := range i.Servers() {
		udp, tcp := CoreDNSServerPorts(i, k)
		if udp != "127.0.0.1:"+p || tcp != "127.0.0.1:"+p {
			t.Errorf("server %d listens on %s/%s, want port %s", k, udp, tcp, p)
		}
	}

	addr := "127.0.0.1:" + p
	for _, proto := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: proto, Timeout: 2 * time.Second}
		for _, zone := range []string{"example.org.", "example.net."} {
			for range 4 { // each socket of the address answers every zone
				m := new(dns.Msg)
				m.SetQuestion(zone, dns.TypeA)
				resp, _, err := c.Exchange(m, addr)
				if err != nil {
					t.Fatalf("%s %s: %v", proto, zone, err)
				}
				if len(resp.Extra) != 2 {
					t.Fatalf("%s %s: extra %v", proto, zone, resp.Extra)
				}
				srcPort := strconv.Itoa(int(resp.Extra[1].(*dns.SRV).Port))
				if err := test.SortAndCheck(resp, whoamiCase(zone, "127.0.0.1", srcPort, proto)); err != nil {
					t.Errorf("%s %s: %v", proto, zone, err)
				}
			}
		}
	}
}
