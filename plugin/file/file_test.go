package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// serve runs one query through f and returns the rcode and what was written.
func serve(t *testing.T, f File, name string, typ uint16, opts ...func(*dns.Msg)) (int, *dns.Msg) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, typ)
	for _, o := range opts {
		o(m)
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rc, err := f.ServeDNS(context.Background(), rec, m)
	if err != nil {
		t.Fatalf("ServeDNS: %v", err)
	}
	return rc, rec.Msg
}

func TestServeDNSRouting(t *testing.T) {
	f := newFile(t, "zoo.test.", zooZone)
	f.Next = test.NextHandler(dns.RcodeNotImplemented, nil)

	tests := []struct {
		name    string
		typ     uint16
		opts    []func(*dns.Msg)
		rcode   int  // returned by ServeDNS
		written bool // whether a reply was written
	}{
		{"host.zoo.test.", dns.TypeA, nil, dns.RcodeSuccess, true},
		{"elsewhere.test.", dns.TypeA, nil, dns.RcodeNotImplemented, false},
		{"zoo.test.", dns.TypeAXFR, nil, dns.RcodeRefused, false},
		{"zoo.test.", dns.TypeIXFR, nil, dns.RcodeRefused, false},
		{"zoo.test.", dns.TypeSOA, []func(*dns.Msg){func(m *dns.Msg) { m.Opcode = dns.OpcodeNotify }}, dns.RcodeSuccess, false},
	}
	for _, tc := range tests {
		rc, msg := serve(t, f, tc.name, tc.typ, tc.opts...)
		if rc != tc.rcode || (msg != nil) != tc.written {
			t.Errorf("%s %s: rcode %d written %v, want %d %v", tc.name, dns.TypeToString[tc.typ], rc, msg != nil, tc.rcode, tc.written)
		}
	}
}

func TestServeDNSNoData(t *testing.T) {
	// A zone whose file could not be read yet has no SOA: SERVFAIL.
	f := File{Zones: Zones{Z: map[string]*Zone{"empty.test.": NewZone("empty.test.", "db.empty")}, Names: []string{"empty.test."}}}
	if rc, msg := serve(t, f, "a.empty.test.", dns.TypeA); rc != dns.RcodeServerFailure || msg != nil {
		t.Errorf("zone without SOA: rcode %d, written %v", rc, msg != nil)
	}
	// A name listed without zone data.
	f = File{Zones: Zones{Z: map[string]*Zone{}, Names: []string{"nil.test."}}}
	if rc, _ := serve(t, f, "a.nil.test.", dns.TypeA); rc != dns.RcodeServerFailure {
		t.Errorf("missing zone: rcode %d", rc)
	}
	// An expired zone.
	f = newFile(t, "zoo.test.", zooZone)
	f.Z["zoo.test."].Expired = true
	if rc, _ := serve(t, f, "host.zoo.test.", dns.TypeA); rc != dns.RcodeServerFailure {
		t.Errorf("expired zone: rcode %d", rc)
	}
}

func TestFallthrough(t *testing.T) {
	f := newFile(t, "zoo.test.", zooZone)
	f.Next = test.NextHandler(dns.RcodeNotImplemented, nil)
	f.Fall = fall.F{Zones: []string{"pets.zoo.test."}}

	// NXDOMAIN inside a fallthrough zone goes to the next plugin.
	if rc, msg := serve(t, f, "x.cat.pets.zoo.test.", dns.TypeA); rc != dns.RcodeNotImplemented || msg != nil {
		t.Errorf("fallthrough: rcode %d written %v", rc, msg != nil)
	}
	// NXDOMAIN elsewhere is answered.
	if rc, msg := serve(t, f, "nothere.zoo.test.", dns.TypeA); rc != dns.RcodeSuccess || msg == nil || msg.Rcode != dns.RcodeNameError {
		t.Errorf("no fallthrough: rcode %d msg %v", rc, msg)
	}
	// Names that exist never fall through.
	if _, msg := serve(t, f, "cat.pets.zoo.test.", dns.TypeTXT); msg == nil || msg.Rcode != dns.RcodeSuccess {
		t.Errorf("NODATA fell through: %v", msg)
	}
}

func TestZoneLookupFunc(t *testing.T) {
	zoo := newFile(t, "zoo.test.", zooZone).Z["zoo.test."]
	f := File{
		Next: test.NextHandler(dns.RcodeNotImplemented, nil),
		ZoneLookupFunc: func(qname string) (string, *Zone, bool) {
			if strings.HasSuffix(qname, ".zoo.test.") {
				return "zoo.test.", zoo, true
			}
			return "", nil, false
		},
	}
	if _, msg := serve(t, f, "host.zoo.test.", dns.TypeA); msg == nil || len(msg.Answer) != 1 {
		t.Errorf("lookup through ZoneLookupFunc failed: %v", msg)
	}
	if rc, _ := serve(t, f, "host.other.test.", dns.TypeA); rc != dns.RcodeNotImplemented {
		t.Errorf("unmatched name: rcode %d", rc)
	}
}

func TestParse(t *testing.T) {
	_, err := Parse(strings.NewReader(zooZone), "zoo.test.", "db.zoo", 2024010101)
	var se *serialErr
	if !errors.As(err, &se) {
		t.Errorf("same serial: error %v, want a serial error", err)
	}
	if _, err := Parse(strings.NewReader(zooZone), "zoo.test.", "db.zoo", 1); err != nil {
		t.Errorf("other serial: %v", err)
	}

	bad := []struct{ zone, want string }{
		{"$ORIGIN zoo.test.\nwww IN A 192.0.2.1\n", "no SOA"},
		{"$ORIGIN zoo.test.\n@ IN SOA ns h 1 2 3 4 5\nwww IN A 192.0.2.300\n", "db.zoo"},
		{"$ORIGIN zoo.test.\n@ IN SOA ns h 1 2 3 4 5\n@ IN NSEC3PARAM 1 0 0 -\n", "NSEC3 zone is not supported"},
	}
	for _, b := range bad {
		if _, err := Parse(strings.NewReader(b.zone), "zoo.test.", "db.zoo", -1); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("error %v, want one containing %q", err, b.want)
		}
	}
}

func TestParseInclude(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hosts.inc"), []byte("www IN A 192.0.2.8\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "db.inc")
	zone := "$TTL 120\n@ IN SOA ns hostmaster 1 2 3 4 5\n$INCLUDE hosts.inc\n"
	z, err := Parse(strings.NewReader(zone), "inc.test.", main, -1)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	e, ok := z.Search("www.inc.test.")
	if !ok || e.Type(dns.TypeA)[0].Header().Ttl != 120 {
		t.Fatalf("included record missing or wrong TTL: %v", e)
	}
}

func TestZoneAPI(t *testing.T) {
	z := NewZone("Zoo.Test", "./db.zoo")
	if z.File() != "db.zoo" {
		t.Errorf("File = %q", z.File())
	}
	z.SetFile("/tmp/db.zoo")
	if z.File() != "/tmp/db.zoo" {
		t.Errorf("SetFile: File = %q", z.File())
	}
	if _, err := z.ApexIfDefined(); err == nil {
		t.Error("ApexIfDefined without SOA did not fail")
	}
	if z.SOASerialIfDefined() != -1 {
		t.Error("SOASerialIfDefined without SOA is not -1")
	}
	for _, s := range []string{
		"ZOO.test. 300 IN SOA NS1.zoo.test. HostMaster.zoo.test. 7 1 1 1 1",
		"zoo.test. 300 IN NS NS1.Zoo.Test.",
		"zoo.test. 300 IN RRSIG SOA 13 2 300 20300101000000 20200101000000 1 zoo.test. c29h",
		"zoo.test. 300 IN RRSIG NS 13 2 300 20300101000000 20200101000000 1 zoo.test. bnM=",
		"WWW.zoo.test. 300 IN CNAME Web.Zoo.Test.",
		"zoo.test. 300 IN MX 10 MAIL.zoo.test.",
		"_s._tcp.zoo.test. 300 IN SRV 0 0 1 HOST.zoo.test.",
	} {
		rr, _ := dns.NewRR(s)
		if err := z.Insert(rr); err != nil {
			t.Fatal(err)
		}
	}
	apex, err := z.ApexIfDefined()
	if err != nil || len(apex) != 4 || apex[0].(*dns.SOA).Mbox != "hostmaster.zoo.test." || apex[2].(*dns.NS).Ns != "ns1.zoo.test." {
		t.Fatalf("ApexIfDefined = %v, %v", apex, err)
	}
	if z.SOASerialIfDefined() != 7 {
		t.Errorf("serial = %d", z.SOASerialIfDefined())
	}
	e, ok := z.Search("www.zoo.test.")
	if !ok || e.Name() != "www.zoo.test." || e.Type(dns.TypeCNAME)[0].(*dns.CNAME).Target != "web.zoo.test." {
		t.Errorf("CNAME not lowercased: %v", e)
	}
	if e, _ := z.Search("zoo.test."); e.Type(dns.TypeMX)[0].(*dns.MX).Mx != "mail.zoo.test." {
		t.Error("MX not lowercased")
	}
	if e, _ := z.Search("_s._tcp.zoo.test."); e.Type(dns.TypeSRV)[0].(*dns.SRV).Target != "host.zoo.test." {
		t.Error("SRV not lowercased")
	}

	z.TransferFrom = []string{"192.0.2.1:53"}
	c := z.Copy()
	if c.Apex.SOA != z.Apex.SOA || c.Len() != 0 || c.TransferFrom[0] != "192.0.2.1:53" || c.File() != z.File() {
		t.Errorf("Copy = %+v", c)
	}
	if c := z.CopyWithoutApex(); c.Apex.SOA != nil || c.Len() != 0 {
		t.Errorf("CopyWithoutApex kept the apex")
	}
}

func TestClosestEncloser(t *testing.T) {
	z := newFile(t, "zoo.test.", zooZone).Z["zoo.test."]
	tests := []struct{ qname, want string }{
		{"host.zoo.test.", "host.zoo.test."},
		{"a.host.zoo.test.", "host.zoo.test."},
		{"x.y.a.b.c.zoo.test.", "a.b.c.zoo.test."},
		{"x.b.c.zoo.test.", "zoo.test."},
		{"nothere.zoo.test.", "zoo.test."},
	}
	for _, tc := range tests {
		e, ok := z.ClosestEncloser(tc.qname)
		if !ok || e.Name() != tc.want {
			t.Errorf("ClosestEncloser(%s) = %v, %v; want %s", tc.qname, e, ok, tc.want)
		}
	}
}

// A tree swapped in from outside (without Insert) has no cut index; lookups
// must still see its delegations and DNAMEs.
func TestSwappedTree(t *testing.T) {
	f := newFile(t, "zoo.test.", zooZone)
	other := newFile(t, "zoo.test.", zooZone).Z["zoo.test."]
	z := f.Z["zoo.test."]
	z.Lock()
	z.Tree = other.Tree
	z.Unlock()
	runCases(t, f, []lookupCase{
		{Case: test.Case{Qname: "www.child.zoo.test.", Qtype: dns.TypeA, Ns: childNS, Extra: childGlue}, referral: true},
		{Case: test.Case{Qname: "a.old.zoo.test.", Qtype: dns.TypeCNAME, Answer: rrs(
			test.DNAME("old.zoo.test. 300 IN DNAME new.zoo.test."),
			test.CNAME("a.old.zoo.test. 300 IN CNAME a.new.zoo.test."),
		), Ns: zooNS}},
		{Case: test.Case{Qname: "host.zoo.test.", Qtype: dns.TypeA, Answer: rrs(test.A("host.zoo.test. 300 IN A 192.0.2.80")), Ns: zooNS}},
	})
	// Inserting rebuilds the index for the new tree.
	rr, _ := dns.NewRR("sub.zoo.test. 300 IN NS ns.elsewhere.test.")
	if err := z.Insert(rr); err != nil {
		t.Fatal(err)
	}
	if _, ok := z.idx.cuts["child.zoo.test."]; !ok || z.idx.tree != z.Tree {
		t.Error("index not rebuilt after the tree was swapped")
	}
}
