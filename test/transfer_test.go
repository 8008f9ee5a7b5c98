package test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/caddy"

	"github.com/miekg/dns"
)

const xfrZone = `$ORIGIN example.org.
$TTL 3600
@     IN SOA  ns1 hostmaster SERIAL 7200 3600 1209600 300
@     IN NS   ns1
@     IN MX   10 mail
ns1   IN A    192.0.2.1
mail  IN A    192.0.2.2
www   IN A    WWWADDR
alias IN CNAME www
`

func xfrZoneText(serial, www string) string {
	return strings.NewReplacer("SERIAL", serial, "WWWADDR", www).Replace(xfrZone)
}

// xfrRecords is the AXFR of xfrZoneText("1", "192.0.2.80"), in order.
var xfrRecords = []string{
	"example.org.\t3600\tIN\tSOA\tns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300",
	"example.org.\t3600\tIN\tNS\tns1.example.org.",
	"example.org.\t3600\tIN\tMX\t10 mail.example.org.",
	"alias.example.org.\t3600\tIN\tCNAME\twww.example.org.",
	"mail.example.org.\t3600\tIN\tA\t192.0.2.2",
	"ns1.example.org.\t3600\tIN\tA\t192.0.2.1",
	"www.example.org.\t3600\tIN\tA\t192.0.2.80",
	"example.org.\t3600\tIN\tSOA\tns1.example.org. hostmaster.example.org. 1 7200 3600 1209600 300",
}

// writeXfrZone writes the zone into a new directory and returns its path.
func writeXfrZone(t *testing.T, serial, www string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.example.org")
	if err := os.WriteFile(path, []byte(xfrZoneText(serial, www)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startXfr starts corefile and stops it when the test ends.
func startXfr(t *testing.T, corefile string) (*caddy.Instance, string, string) {
	t.Helper()
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v\n%s", err, corefile)
	}
	t.Cleanup(func() { CoreDNSServerStop(i) })
	return i, udp, tcp
}

// axfr transfers zone from addr and returns every record as text, or the
// error of the transfer.
func axfr(t *testing.T, addr, zone string, tr *dns.Transfer, m *dns.Msg) ([]string, error) {
	t.Helper()
	if tr == nil {
		tr = new(dns.Transfer)
	}
	if m == nil {
		m = new(dns.Msg)
		m.SetAxfr(zone)
	}
	ch, err := tr.In(m, addr)
	if err != nil {
		return nil, err
	}
	var out []string
	for env := range ch {
		if env.Error != nil {
			return out, env.Error
		}
		for _, rr := range env.RR {
			out = append(out, rr.String())
		}
	}
	return out, nil
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTransferAXFR(t *testing.T) {
	path := writeXfrZone(t, "1", "192.0.2.80")
	_, udp, tcp := startXfr(t, `example.org:0 {
    bind 127.0.0.1
    file `+path+`
    transfer {
        to 127.0.0.1
    }
}`)

	got, err := axfr(t, tcp, "example.org.", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, got, xfrRecords)

	// IXFR from a client that is behind falls back to AXFR.
	m := new(dns.Msg)
	m.SetIxfr("example.org.", 0, "ns1.example.org.", "hostmaster.example.org.")
	if got, err = axfr(t, tcp, "example.org.", nil, m); err != nil {
		t.Fatal(err)
	}
	sameLines(t, got, xfrRecords)

	// IXFR from a client that is current: only the SOA.
	m = new(dns.Msg)
	m.SetIxfr("example.org.", 1, "ns1.example.org.", "hostmaster.example.org.")
	c := &dns.Client{Net: "tcp"}
	r, _, err := c.Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeSuccess || !r.Authoritative || len(r.Answer) != 1 || r.Answer[0].String() != xfrRecords[0] {
		t.Errorf("IXFR from a current client: %v", r)
	}

	// AXFR over UDP is refused.
	m = new(dns.Msg)
	m.SetAxfr("example.org.")
	r, _, err = new(dns.Client).Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeRefused || len(r.Answer) != 0 {
		t.Errorf("AXFR over UDP: %v", r)
	}

	// A name in the zone that is not its apex is not transferred.
	m = new(dns.Msg)
	m.SetAxfr("www.example.org.")
	r, _, err = c.Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeRefused || len(r.Answer) != 0 {
		t.Errorf("AXFR of www.example.org.: %v", r)
	}
}

func TestTransferRefused(t *testing.T) {
	path := writeXfrZone(t, "1", "192.0.2.80")
	_, _, tcp := startXfr(t, `example.org:0 {
    bind 127.0.0.1
    file `+path+`
    transfer {
        to 192.0.2.1 10.0.0.0/8
    }
}`)
	m := new(dns.Msg)
	m.SetAxfr("example.org.")
	r, _, err := (&dns.Client{Net: "tcp"}).Exchange(m, tcp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeRefused || len(r.Answer) != 0 || len(r.Ns) != 0 {
		t.Errorf("AXFR from a client not listed: %v", r)
	}

	// Ordinary queries are still answered.
	m.SetQuestion("www.example.org.", dns.TypeA)
	if r, _, err = (&dns.Client{Net: "tcp"}).Exchange(m, tcp); err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 || r.Answer[0].String() != xfrRecords[6] {
		t.Errorf("A query: %v", r)
	}
}
