package auto

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

const exampleZone = `$ORIGIN example.org.
$TTL 300
@       IN SOA  ns1 hostmaster SERIAL 3600 600 86400 60
@       IN NS   ns1
ns1     IN A    192.0.2.53
www     IN A    192.0.2.1
alias   IN CNAME www
sub     IN NS   ns.sub
ns.sub  IN A    192.0.2.99
`

func zoneText(origin, serial string) string {
	return strings.NewReplacer("example.org.", origin, "SERIAL", serial).Replace(exampleZone)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// markerRcode is what the next handler returns.
const markerRcode = dns.RcodeNotZone

func newTestAuto(dir string, origins ...string) Auto {
	return Auto{
		Next:  test.NextHandler(markerRcode, nil),
		Zones: newZones(origins),
		loader: loader{
			directory: dir,
			re:        regexp.MustCompile(defaultRegexp),
			template:  defaultTemplate,
			upstream:  upstream.New(),
		},
	}
}

func soa(origin, serial string) dns.RR {
	return test.SOA(origin + " 300 IN SOA ns1." + origin + " hostmaster." + origin + " " + serial + " 3600 600 86400 60")
}

func apexNS(origin string) []dns.RR {
	return []dns.RR{test.NS(origin + " 300 IN NS ns1." + origin)}
}

func TestServeDNS(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "db.example.org"), zoneText("example.org.", "1"))
	writeFile(t, filepath.Join(dir, "nested", "db.example.net"), zoneText("example.net.", "7"))
	writeFile(t, filepath.Join(dir, "db.other.test"), zoneText("other.test.", "1")) // outside the origins
	writeFile(t, filepath.Join(dir, "README"), "not a zone")
	writeFile(t, filepath.Join(dir, "db.broken.org"), "this is not a zone file")

	a := newTestAuto(dir, "org.", "example.net.")
	defer a.Zones.removeAll()
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sortedNames(a.Zones), ","); got != "example.net.,example.org." {
		t.Fatalf("loaded zones %s", got)
	}

	tests := []test.Case{
		{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.1")}, Ns: apexNS("example.org.")},
		{Qname: "WWW.Example.NET.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.net. 300 IN A 192.0.2.1")}, Ns: apexNS("example.net.")},
		{Qname: "alias.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{
				test.CNAME("alias.example.org. 300 IN CNAME www.example.org."),
				test.A("www.example.org. 300 IN A 192.0.2.1"),
			}, Ns: apexNS("example.org.")},
		{Qname: "www.example.org.", Qtype: dns.TypeAAAA, Authoritative: true,
			Ns: []dns.RR{soa("example.org.", "1")}},
		{Qname: "nope.example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true,
			Ns: []dns.RR{soa("example.org.", "1")}},
		{Qname: "example.net.", Qtype: dns.TypeSOA, Authoritative: true,
			Answer: []dns.RR{soa("example.net.", "7")}, Ns: apexNS("example.net.")},
		// A referral is not authoritative.
		{Qname: "host.sub.example.org.", Qtype: dns.TypeA,
			Ns:    []dns.RR{test.NS("sub.example.org. 300 IN NS ns.sub.example.org.")},
			Extra: []dns.RR{test.A("ns.sub.example.org. 300 IN A 192.0.2.99")}},
	}
	for _, tc := range tests {
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		rcode, err := a.ServeDNS(context.Background(), rec, tc.Msg())
		if err != nil || rcode != dns.RcodeSuccess || rec.Msg == nil {
			t.Fatalf("%s: rcode %d err %v msg %v", tc.Qname, rcode, err, rec.Msg)
		}
		if err := test.SortAndCheck(rec.Msg, tc); err != nil {
			t.Error(err)
		}
		if tc.Authoritative != rec.Msg.Authoritative {
			t.Errorf("%s: AA = %v", tc.Qname, rec.Msg.Authoritative)
		}
	}

	// Not served here: in no zone loaded, or outside the configured zones.
	for _, q := range []string{"www.broken.org.", "www.other.test.", "example.com."} {
		m := new(dns.Msg)
		m.SetQuestion(q, dns.TypeA)
		rec := dnstest.NewRecorder(&test.ResponseWriter{})
		if rcode, _ := a.ServeDNS(context.Background(), rec, m); rcode != markerRcode || rec.Msg != nil {
			t.Errorf("%s: rcode %d, want the next plugin", q, rcode)
		}
	}

	// Transfers are the transfer plugin's: refused when they get here.
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeAXFR)
	if rcode, _ := a.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), m); rcode != dns.RcodeRefused {
		t.Errorf("AXFR: rcode %d, want REFUSED", rcode)
	}
}

func sortedNames(z *Zones) []string {
	n := z.Names()
	for i := range n {
		for j := i + 1; j < len(n); j++ {
			if n[j] < n[i] {
				n[i], n[j] = n[j], n[i]
			}
		}
	}
	return n
}

func TestWalkAddsAndRemoves(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "db.example.org"), zoneText("example.org.", "1"))
	a := newTestAuto(dir, ".")
	defer a.Zones.removeAll()
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	z := a.Zones.get("example.org.")
	if z == nil {
		t.Fatal("example.org not loaded")
	}

	writeFile(t, filepath.Join(dir, "db.example.com"), zoneText("example.com.", "3"))
	if err := os.Remove(filepath.Join(dir, "db.example.org")); err != nil {
		t.Fatal(err)
	}
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sortedNames(a.Zones), ","); got != "example.com." {
		t.Fatalf("zones after the change: %s", got)
	}
	if zone, _ := a.Zones.match("www.example.org."); zone != "" {
		t.Errorf("removed zone still matched: %s", zone)
	}

	// A missing directory keeps what is loaded.
	a.loader.directory = filepath.Join(dir, "gone")
	if err := a.Walk(); err == nil {
		t.Error("no error for a missing directory")
	}
	if a.Zones.get("example.com.") == nil {
		t.Error("zones dropped after a failed scan")
	}
}

func TestReloadNewSerial(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db.example.org")
	writeFile(t, path, zoneText("example.org.", "1"))
	a := newTestAuto(dir, ".")
	a.loader.ReloadInterval = 10 * time.Millisecond
	defer a.Zones.removeAll()
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, strings.Replace(zoneText("example.org.", "2"), "192.0.2.1", "192.0.2.2", 1))
	deadline := time.Now().Add(5 * time.Second)
	for a.Zones.get("example.org.").SOASerialIfDefined() != 2 {
		if time.Now().After(deadline) {
			t.Fatal("zone not reloaded with the new serial")
		}
		time.Sleep(5 * time.Millisecond)
	}
	tc := test.Case{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("www.example.org. 300 IN A 192.0.2.2")}, Ns: apexNS("example.org.")}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := a.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

func TestOrigin(t *testing.T) {
	tests := []struct {
		re, template, name string
		want               string
		ok                 bool
	}{
		{defaultRegexp, defaultTemplate, "db.example.org", "example.org.", true},
		{defaultRegexp, defaultTemplate, "db.Example.ORG.", "example.org.", true},
		{defaultRegexp, defaultTemplate, "example.org", "", false},
		{defaultRegexp, defaultTemplate, "db.", "", false},
		{`(.*)\.zone`, expandTemplate("{1}"), "example.net.zone", "example.net.", true},
		{`db\.(.*)\.(.*)`, expandTemplate("{2}.{1}"), "db.example.org", "org.example.", true},
		{`(\w+)-(\w+)`, expandTemplate("{1}.{2}.test"), "a-b", "a.b.test.", true},
		{defaultRegexp, defaultTemplate, "db.a..b", "", false},
	}
	for _, tc := range tests {
		l := loader{re: regexp.MustCompile(tc.re), template: tc.template}
		got, ok := l.origin(tc.name)
		if got != tc.want || ok != tc.ok {
			t.Errorf("origin(%q) with %s %s = %q %v, want %q %v", tc.name, tc.re, tc.template, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTransfer(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "db.example.org"), zoneText("example.org.", "5"))
	a := newTestAuto(dir, ".")
	defer a.Zones.removeAll()
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Transfer("example.com.", 0); err != transfer.ErrNotAuthoritative {
		t.Fatalf("transfer of an unknown zone: %v", err)
	}
	ch, err := a.Transfer("example.org.", 0)
	if err != nil {
		t.Fatal(err)
	}
	var rrs []dns.RR
	for batch := range ch {
		rrs = append(rrs, batch...)
	}
	if len(rrs) != 8 || rrs[0].Header().Rrtype != dns.TypeSOA || rrs[len(rrs)-1].Header().Rrtype != dns.TypeSOA {
		t.Fatalf("transfer gave %d records: %v", len(rrs), rrs)
	}
	// Up to date: only the SOA.
	ch, err = a.Transfer("example.org.", 5)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for batch := range ch {
		n += len(batch)
	}
	if n != 1 {
		t.Errorf("IXFR at the current serial gave %d records, want 1", n)
	}
}

// TestSameAnswersAsFile checks that auto answers exactly as file does for
// the same zone.
func TestSameAnswersAsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db.example.org")
	writeFile(t, path, zoneText("example.org.", "1"))
	a := newTestAuto(dir, ".")
	defer a.Zones.removeAll()
	if err := a.Walk(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := file.Parse(f, "example.org.", path, -1)
	if err != nil {
		t.Fatal(err)
	}
	fp := file.File{Next: test.NextHandler(markerRcode, nil), Zones: file.Zones{Z: map[string]*file.Zone{"example.org.": z}, Names: []string{"example.org."}}}

	for _, q := range []struct {
		name  string
		qtype uint16
	}{
		{"www.example.org.", dns.TypeA}, {"alias.example.org.", dns.TypeA}, {"nope.example.org.", dns.TypeTXT},
		{"example.org.", dns.TypeNS}, {"x.sub.example.org.", dns.TypeA}, {"sub.example.org.", dns.TypeDS},
		{"example.org.", dns.TypeSOA}, {"ns1.example.org.", dns.TypeAAAA},
	} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.qtype)
		ra := dnstest.NewRecorder(&test.ResponseWriter{})
		rf := dnstest.NewRecorder(&test.ResponseWriter{})
		ca, _ := a.ServeDNS(context.Background(), ra, m.Copy())
		cf, _ := fp.ServeDNS(context.Background(), rf, m.Copy())
		if ca != cf {
			t.Errorf("%s/%d: rcode auto %d file %d", q.name, q.qtype, ca, cf)
			continue
		}
		if ra.Msg.String() != rf.Msg.String() {
			t.Errorf("%s/%d differs:\nauto:\n%v\nfile:\n%v", q.name, q.qtype, ra.Msg, rf.Msg)
		}
	}
}
