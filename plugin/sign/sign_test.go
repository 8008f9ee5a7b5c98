package sign

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestSignZone(t *testing.T) {
	dir := t.TempDir()
	keys, err := keysFromFiles([]string{
		writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257),
		writeKey(t, dir, "example.org.", dns.ED25519, 257),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := newSigner("example.org.", "testdata/db.example.org", dir, keys)
	now := time.Now()
	if err := s.Sign(now); err != nil {
		t.Fatal(err)
	}
	if s.signedfile != filepath.Join(dir, "db.example.org.signed") {
		t.Fatalf("signed file is %q", s.signedfile)
	}
	rrs := readZone(t, s.signedfile, "example.org.")

	// The SOA comes first, with the signing time as serial.
	soa, ok := rrs[0].(*dns.SOA)
	if !ok {
		t.Fatalf("first record is %s, want the SOA", rrs[0])
	}
	if soa.Serial != uint32(now.Unix()) {
		t.Errorf("serial %d, want %d", soa.Serial, now.Unix())
	}

	verifyZone(t, rrs, keys, now)
	checkChain(t, rrs)

	// Apex key material: 2 DNSKEY, 2 CDNSKEY, 4 CDS.
	count := map[uint16]int{}
	for _, rr := range rrs {
		if strings.EqualFold(rr.Header().Name, "example.org.") {
			count[rr.Header().Rrtype]++
		}
	}
	if count[dns.TypeDNSKEY] != 2 || count[dns.TypeCDNSKEY] != 2 || count[dns.TypeCDS] != 4 {
		t.Errorf("apex has %d DNSKEY, %d CDNSKEY, %d CDS; want 2, 2, 4", count[dns.TypeDNSKEY], count[dns.TypeCDNSKEY], count[dns.TypeCDS])
	}

	// Signing again keeps no old DNSSEC records around.
	s.dbfile = s.signedfile
	if err := s.Sign(now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	again := readZone(t, s.signedfile, "example.org.")
	if len(again) != len(rrs) {
		t.Errorf("re-signing a signed zone gives %d records, want %d", len(again), len(rrs))
	}
	verifyZone(t, again, keys, now)
}

// verifyZone checks every RRSIG against its RRset and that every
// authoritative RRset has one signature per key, and glue none.
func verifyZone(t *testing.T, rrs []dns.RR, keys []Pair, now time.Time) {
	t.Helper()
	type setKey struct {
		name string
		typ  uint16
	}
	sets := map[setKey][]dns.RR{}
	sigs := map[setKey][]*dns.RRSIG{}
	for _, rr := range rrs {
		h := rr.Header()
		if s, ok := rr.(*dns.RRSIG); ok {
			k := setKey{strings.ToLower(h.Name), s.TypeCovered}
			sigs[k] = append(sigs[k], s)
			continue
		}
		k := setKey{strings.ToLower(h.Name), h.Rrtype}
		sets[k] = append(sets[k], rr)
	}
	byTag := map[uint16]*dns.DNSKEY{}
	for _, k := range keys {
		byTag[k.KeyTag] = k.Public
	}
	for k, set := range sets {
		unsigned := k.name == "ns.sub.example.org." || (k.name == "sub.example.org." && k.typ == dns.TypeNS)
		if unsigned {
			if len(sigs[k]) != 0 {
				t.Errorf("%s/%s is not authoritative but signed", k.name, dns.TypeToString[k.typ])
			}
			continue
		}
		if len(sigs[k]) != len(keys) {
			t.Errorf("%s/%s has %d signatures, want %d", k.name, dns.TypeToString[k.typ], len(sigs[k]), len(keys))
		}
		for _, s := range sigs[k] {
			if err := s.Verify(byTag[s.KeyTag], set); err != nil {
				t.Errorf("RRSIG over %s/%s by %d: %s", k.name, dns.TypeToString[k.typ], s.KeyTag, err)
			}
			if !s.ValidityPeriod(now) {
				t.Errorf("RRSIG over %s/%s not valid now", k.name, dns.TypeToString[k.typ])
			}
			incep := time.Unix(int64(s.Inception), 0)
			if d := now.Sub(incep); d < inception || d > inception+inceptionJitter {
				t.Errorf("inception %s before signing, want 3h to 21h", d)
			}
			expir := time.Unix(int64(s.Expiration), 0)
			if d := expir.Sub(now); d < expiration || d > expiration+expirationJitter {
				t.Errorf("expiration %s after signing, want 32 to 37 days", d)
			}
		}
	}
}

// checkChain checks the NSEC chain: the expected names in canonical order,
// looping back to the apex, with the expected bitmaps.
func checkChain(t *testing.T, rrs []dns.RR) {
	t.Helper()
	want := []string{
		"example.org. A NS SOA MX RRSIG NSEC DNSKEY CDS CDNSKEY",
		"alias.example.org. CNAME RRSIG NSEC",
		"a.b.c.example.org. TXT RRSIG NSEC",
		"mail.example.org. A RRSIG NSEC",
		"ns1.example.org. A RRSIG NSEC",
		"sub.example.org. NS DS RRSIG NSEC",
		"*.wild.example.org. TXT RRSIG NSEC",
		"WWW.example.org. A AAAA RRSIG NSEC",
	}
	var nsecs []*dns.NSEC
	for _, rr := range rrs {
		if n, ok := rr.(*dns.NSEC); ok {
			nsecs = append(nsecs, n)
			if n.Hdr.Ttl != 300 {
				t.Errorf("NSEC TTL %d, want the SOA minimum 300", n.Hdr.Ttl)
			}
		}
	}
	if len(nsecs) != len(want) {
		t.Fatalf("%d NSEC records, want %d", len(nsecs), len(want))
	}
	for i, n := range nsecs {
		types := make([]string, len(n.TypeBitMap))
		for j, b := range n.TypeBitMap {
			types[j] = dns.TypeToString[b]
		}
		got := n.Hdr.Name + " " + strings.Join(types, " ")
		w := strings.Fields(want[i])
		wantSorted := w[1:]
		slices.SortFunc(wantSorted, func(a, b string) int { return int(dns.StringToType[a]) - int(dns.StringToType[b]) })
		if got != w[0]+" "+strings.Join(wantSorted, " ") {
			t.Errorf("NSEC %d is %q, want %q", i, got, w[0]+" "+strings.Join(wantSorted, " "))
		}
		next := strings.Fields(want[(i+1)%len(want)])[0]
		if n.NextDomain != next {
			t.Errorf("NSEC %d next is %q, want %q", i, n.NextDomain, next)
		}
	}
}

// TestSignValidators runs the signed zone through ldns-verify-zone and
// dnssec-verify, when they are installed.
func TestSignValidators(t *testing.T) {
	dir := t.TempDir()
	keys, err := keysFromFiles([]string{writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)})
	if err != nil {
		t.Fatal(err)
	}
	s := newSigner("example.org.", "testdata/db.example.org", dir, keys)
	if err := s.Sign(time.Now()); err != nil {
		t.Fatal(err)
	}
	ran := false
	if path, err := exec.LookPath("ldns-verify-zone"); err == nil {
		ran = true
		out, err := exec.Command(path, s.signedfile).CombinedOutput()
		if err != nil {
			t.Errorf("ldns-verify-zone: %s\n%s", err, out)
		}
	}
	if path, err := exec.LookPath("dnssec-verify"); err == nil {
		ran = true
		out, err := exec.Command(path, "-z", "-o", "example.org.", s.signedfile).CombinedOutput() // -z: the keys are CSKs
		if err != nil {
			t.Errorf("dnssec-verify: %s\n%s", err, out)
		}
	}
	if !ran {
		t.Skip("neither ldns-verify-zone nor dnssec-verify is installed")
	}
}

func TestResign(t *testing.T) {
	dir := t.TempDir()
	keys, err := keysFromFiles([]string{writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)})
	if err != nil {
		t.Fatal(err)
	}
	s := newSigner("example.org.", "testdata/db.example.org", dir, keys)
	s.jitterIncep, s.jitterExpir = 0, 0
	now := time.Now()
	if why := s.resign(now); !strings.Contains(why, "no such file") {
		t.Errorf("resign without a signed file: %q", why)
	}
	if err := s.Sign(now); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at   time.Time
		want string // a substring of the reason, "" for no re-signing
	}{
		{now, ""},
		{now.Add(5 * 24 * time.Hour), ""},
		{now.Add(6 * 24 * time.Hour), "resign was"},
		{now.Add(-4 * 24 * time.Hour), ""},
		// With signatures good for 32 days, 14 days left comes at day 18,
		// after the 6 day age limit; move the inception to test it alone.
	}
	for _, tc := range tests {
		got := s.resign(tc.at)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("resign at %s: %q, want %q", tc.at.Sub(now), got, tc.want)
		}
	}

	// A zone whose signatures expire soon is signed again, whatever its age.
	s.jitterIncep = 0
	if err := s.Sign(now.Add(-19 * 24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := s.resign(now.Add(-19*24*time.Hour + time.Hour)); got != "" {
		t.Errorf("fresh zone: %q", got)
	}
	// Pretend the signature is young but expiring: rewrite inception.
	rrs := readZone(t, s.signedfile, "example.org.")
	var b strings.Builder
	for _, rr := range rrs {
		if sig, ok := rr.(*dns.RRSIG); ok && sig.TypeCovered == dns.TypeSOA {
			sig.Inception = uint32(now.Add(-time.Hour).Unix())
		}
		b.WriteString(rr.String() + "\n")
	}
	if err := os.WriteFile(s.signedfile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := s.resign(now); !strings.Contains(got, "expires in") {
		t.Errorf("expiring zone: %q", got)
	}
	// check signs it again.
	s.check(now)
	if got := s.resign(now); got != "" {
		t.Errorf("after check: %q", got)
	}
}

func TestSignErrors(t *testing.T) {
	dir := t.TempDir()
	keys, err := keysFromFiles([]string{writeKey(t, dir, "example.org.", dns.ECDSAP256SHA256, 257)})
	if err != nil {
		t.Fatal(err)
	}
	noSOA := filepath.Join(dir, "db.nosoa")
	os.WriteFile(noSOA, []byte("www.example.org. 300 IN A 192.0.2.1\n"), 0o644)
	twoSOA := filepath.Join(dir, "db.twosoa")
	os.WriteFile(twoSOA, []byte("example.org. 300 IN SOA a. b. 1 2 3 4 5\nexample.org. 300 IN SOA c. d. 1 2 3 4 5\n"), 0o644)
	bad := filepath.Join(dir, "db.bad")
	os.WriteFile(bad, []byte("example.org. 300 IN SOA a. b. one two\n"), 0o644)

	for _, tc := range []struct{ file, want string }{
		{filepath.Join(dir, "missing"), "no such file"},
		{noSOA, "no SOA"},
		{twoSOA, "more than one SOA"},
		{bad, "SOA"},
	} {
		s := newSigner("example.org.", tc.file, dir, keys)
		if err := s.Sign(time.Now()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.file, err, tc.want)
		}
	}
	s := newSigner("example.org.", "testdata/db.example.org", filepath.Join(dir, "nodir"), keys)
	if err := s.Sign(time.Now()); err == nil {
		t.Error("signing into a missing directory: no error")
	}
}
