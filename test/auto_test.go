package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const autoZone = `$ORIGIN ZONENAME
$TTL 300
@    IN SOA ns1 hostmaster SERIAL 3600 600 86400 60
@    IN NS  ns1
ns1  IN A   192.0.2.53
www  IN A   ADDR
`

func autoZoneText(origin, serial, addr string) string {
	return strings.NewReplacer("ZONENAME", origin, "SERIAL", serial, "ADDR", addr).Replace(autoZone)
}

// autoWait queries until the reply passes tc or the deadline passes.
func autoWait(t *testing.T, addr string, tc test.Case) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := hostsExchange(t, "udp", addr, tc.Qname, tc.Qtype)
		err := test.SortAndCheck(r, tc)
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no expected answer in time: %v\n%v", err, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func autoA(origin, addr string) test.Case {
	return test.Case{Qname: "www." + origin, Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www." + origin + " 300 IN A " + addr)},
		Ns:     []dns.RR{test.NS(origin + " 300 IN NS ns1." + origin)}}
}

func TestAutoServeAndFollowDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("db.example.org", autoZoneText("example.org.", "1", "192.0.2.1"))

	corefile := `.:0 {
    bind 127.0.0.1
    auto {
        directory ` + dir + `
        reload 50ms
    }
    transfer {
        to *
    }
}`
	udp, tcp := startServer(t, corefile)

	// Served at start-up, over UDP and TCP.
	want := autoA("example.org.", "192.0.2.1")
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		r := hostsExchange(t, network, addr, want.Qname, want.Qtype)
		if err := test.SortAndCheck(r, want); err != nil {
			t.Errorf("%s: %v", network, err)
		}
	}
	nx := test.Case{Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
		Ns: []dns.RR{test.SOA("example.org. 300 IN SOA ns1.example.org. hostmaster.example.org. 1 3600 600 86400 60")}}
	if err := test.SortAndCheck(hostsExchange(t, "tcp", tcp, nx.Qname, nx.Qtype), nx); err != nil {
		t.Error(err)
	}

	// AXFR through the transfer plugin.
	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	env, err := new(dns.Transfer).In(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for e := range env {
		if e.Error != nil {
			t.Fatal(e.Error)
		}
		n += len(e.RR)
	}
	if n != 5 { // SOA, NS, ns1 A, www A, SOA
		t.Errorf("AXFR gave %d records, want 5", n)
	}

	// A new file is picked up, a changed serial reloads, a removed file goes.
	write("db.example.net", autoZoneText("example.net.", "1", "192.0.2.7"))
	autoWait(t, udp, autoA("example.net.", "192.0.2.7"))

	write("db.example.org", autoZoneText("example.org.", "2", "192.0.2.2"))
	autoWait(t, udp, autoA("example.org.", "192.0.2.2"))

	if err := os.Remove(filepath.Join(dir, "db.example.org")); err != nil {
		t.Fatal(err)
	}
	autoWait(t, udp, test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure})
	autoWait(t, udp, autoA("example.net.", "192.0.2.7"))
}
