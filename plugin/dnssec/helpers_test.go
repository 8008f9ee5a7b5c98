package dnssec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/cache"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// writeKey generates a key for zone and writes it in BIND format to dir,
// returning the base name of the two files.
func writeKey(t *testing.T, dir, zone string, alg uint8, flags uint16) string {
	t.Helper()
	k := &dns.DNSKEY{
		Hdr:   dns.RR_Header{Name: zone, Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: flags, Protocol: 3, Algorithm: alg,
	}
	bits := 256
	if alg == dns.ED25519 {
		bits = 256
	}
	p, err := k.Generate(bits)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, fmt.Sprintf("K%s+%03d+%05d", zone, alg, k.KeyTag()))
	if err := os.WriteFile(base+".key", []byte(k.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".private", []byte(k.PrivateKeyString(p)), 0o600); err != nil {
		t.Fatal(err)
	}
	return base
}

func loadKey(t *testing.T, base string) *DNSKEY {
	t.Helper()
	k, err := ParseKeyFile(base+".key", base+".private")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testZone is the data the backend below serves.
const testSOA = "example.org.\t1800\tIN\tSOA\tns.example.org. hostmaster.example.org. 1 7200 1800 86400 300"

// backend answers like a small authoritative server for example.org.
func backend() test.HandlerFunc {
	return func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		q := r.Question[0]
		switch {
		case q.Name == "www.example.org." && q.Qtype == dns.TypeA:
			m.Answer = []dns.RR{
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.1"),
				test.A("www.example.org.\t300\tIN\tA\t192.0.2.2"),
			}
			m.Ns = []dns.RR{test.NS("example.org.\t300\tIN\tNS\tns.example.org.")}
			m.Extra = []dns.RR{test.A("ns.example.org.\t300\tIN\tA\t192.0.2.53")}
		case q.Name == "cname.example.org.":
			m.Answer = []dns.RR{
				test.CNAME("cname.example.org.\t300\tIN\tCNAME\twww.example.net."),
				test.A("www.example.net.\t300\tIN\tA\t198.51.100.1"),
			}
		case q.Name == "sub.example.org." || q.Name == "a.sub.example.org.":
			m.Authoritative = false
			m.Ns = []dns.RR{test.NS("sub.example.org.\t300\tIN\tNS\tns.sub.example.org.")}
		case q.Name == "www.example.org." || q.Name == "example.org.":
			m.Ns = []dns.RR{test.SOA(testSOA)}
		default:
			m.Rcode = dns.RcodeNameError
			m.Ns = []dns.RR{test.SOA(testSOA)}
		}
		w.WriteMsg(m)
		return m.Rcode, nil
	}
}

func newTestDnssec(t *testing.T, keys ...*DNSKEY) *Dnssec {
	t.Helper()
	d := New([]string{"example.org."}, keys, backend(), cache.New[[]dns.RRSIG](DefaultCapacity))
	d.now = func() time.Time { return time.Now() }
	return d
}

// verifyAll checks every RRSIG in m against keys, on the RRset it covers in
// the same section, and that every signable RRset of the zone got one.
func verifyAll(t *testing.T, m *dns.Msg, keys []*DNSKEY) {
	t.Helper()
	byTag := map[uint16]*dns.DNSKEY{}
	for _, k := range keys {
		byTag[k.tag] = k.K
	}
	for _, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			sig, ok := rr.(*dns.RRSIG)
			if !ok {
				continue
			}
			var set []dns.RR
			for _, r := range sec {
				h := r.Header()
				if h.Rrtype == sig.TypeCovered && dns.CanonicalName(h.Name) == dns.CanonicalName(sig.Hdr.Name) {
					set = append(set, r)
				}
			}
			k := byTag[sig.KeyTag]
			if k == nil {
				t.Errorf("RRSIG %s made by unknown key %d", sig, sig.KeyTag)
				continue
			}
			if err := sig.Verify(k, set); err != nil {
				t.Errorf("RRSIG over %s/%s does not verify: %s", sig.Hdr.Name, dns.TypeToString[sig.TypeCovered], err)
			}
			if !sig.ValidityPeriod(time.Now()) {
				t.Errorf("RRSIG %s is not valid now", sig)
			}
		}
	}
}
