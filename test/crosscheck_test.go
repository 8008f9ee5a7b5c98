package test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// The cross-check serves one zone with our file plugin and with a reference
// server (Knot DNS by default, NSD with CROSSCHECK=nsd) on loopback, asks
// both the same questions and logs every difference in flags, rcode and
// sections (compared as sets). It runs only with CROSSCHECK set:
//
//	CROSSCHECK=1 go test ./test/ -run TestCrossCheck -v
//
// Differences are logged, not failed: the reference servers make choices of
// their own (NS in authority, additional records) that CoreDNS does not.

const crossZone = `$ORIGIN example.org.
$TTL 3600
@        IN SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS    ns1
@        IN NS    ns2
@        IN MX    10 mail
@        IN MX    20 mail.other.test.
ns1      IN A     192.0.2.1
ns2      IN A     192.0.2.2
mail     IN A     192.0.2.25
mail     IN AAAA  2001:db8::25
www      IN A     192.0.2.80
txt      IN TXT   "hello" "world"
alias    IN CNAME www
chain1   IN CNAME chain2
chain2   IN CNAME alias
ext      IN CNAME www.other.test.
*.wild   IN A     192.0.2.99
*.wild   IN TXT   "wild"
*.wc     IN CNAME www
a.b.c.ent IN A    192.0.2.7
sub      IN NS    ns1.sub
sub      IN NS    ns.other.test.
ns1.sub  IN A     192.0.2.53
dname    IN DNAME inside.example.org.
www.inside IN A   192.0.2.81
_sip._udp IN SRV  10 5 5060 mail
`

// crossQueries lists name and type of every question asked.
var crossQueries = [][2]string{
	{"example.org.", "SOA"}, {"example.org.", "NS"}, {"example.org.", "MX"}, {"example.org.", "A"},
	{"www.example.org.", "A"}, {"www.example.org.", "AAAA"}, {"WWW.Example.ORG.", "A"},
	{"mail.example.org.", "A"}, {"mail.example.org.", "AAAA"}, {"mail.example.org.", "MX"},
	{"txt.example.org.", "TXT"},
	{"alias.example.org.", "A"}, {"alias.example.org.", "CNAME"}, {"alias.example.org.", "AAAA"},
	{"chain1.example.org.", "A"}, {"ext.example.org.", "A"},
	{"x.wild.example.org.", "A"}, {"x.wild.example.org.", "TXT"}, {"x.wild.example.org.", "AAAA"},
	{"y.x.wild.example.org.", "A"}, {"wild.example.org.", "A"}, {"q.wc.example.org.", "A"},
	{"ent.example.org.", "A"}, {"c.ent.example.org.", "A"}, {"b.c.ent.example.org.", "TXT"},
	{"a.b.c.ent.example.org.", "A"}, {"nx.c.ent.example.org.", "A"},
	{"nx.example.org.", "A"}, {"nx.example.org.", "MX"},
	{"sub.example.org.", "NS"}, {"www.sub.example.org.", "A"}, {"ns1.sub.example.org.", "A"},
	{"sub.example.org.", "DS"},
	{"dname.example.org.", "DNAME"}, {"www.dname.example.org.", "A"}, {"nx.dname.example.org.", "A"},
	{"_sip._udp.example.org.", "SRV"},
	{"other.test.", "A"},
}

func TestCrossCheck(t *testing.T) {
	peer := os.Getenv("CROSSCHECK")
	if peer == "" {
		t.Skip("set CROSSCHECK=1 (Knot DNS) or CROSSCHECK=nsd to compare with a reference server")
	}
	if peer != "nsd" {
		peer = "knot"
	}
	dir := t.TempDir()
	zonefile := filepath.Join(dir, "example.org.zone")
	if err := os.WriteFile(zonefile, []byte(crossZone), 0o644); err != nil {
		t.Fatal(err)
	}

	i, ours, _, err := CoreDNSServerAndPorts(fmt.Sprintf("example.org:0 {\n bind 127.0.0.1\n file %s\n}\n", zonefile))
	if err != nil {
		t.Fatalf("could not start our server: %v", err)
	}
	defer i.Stop()

	ref := startReference(t, peer, dir, zonefile)

	diffs := 0
	knownCount := map[string]int{}
	for _, q := range crossQueries {
		m := new(dns.Msg)
		m.SetQuestion(q[0], dns.StringToType[q[1]])
		m.SetEdns0(4096, false)
		a, err := exchangeRetry(m, ours)
		if err != nil {
			t.Fatalf("ours %s %s: %v", q[0], q[1], err)
		}
		b, err := exchangeRetry(m, ref)
		if err != nil {
			t.Fatalf("%s %s %s: %v", peer, q[0], q[1], err)
		}
		known := normalize(a, b)
		if d := compareReplies(a, b); d != "" {
			diffs++
			t.Logf("%s %s: ours vs %s:\n%s", q[0], q[1], peer, d)
		}
		for _, k := range known {
			knownCount[k]++
		}
	}
	for k, n := range knownCount {
		t.Logf("known difference in %d answers: %s", n, k)
	}
	t.Logf("%d of %d questions answered differently by ours and %s", diffs, len(crossQueries), peer)
}

// Differences that follow from documented CoreDNS behaviour; normalize
// removes them from ours and says which it removed.
const (
	knownApexNS  = "CoreDNS puts the apex NS RRset in the authority section of positive answers"
	knownSOATTL  = "CoreDNS gives the SOA of negative answers its own TTL; the reference uses min(TTL, MINIMUM) (RFC 2308)"
	knownNodataN = "CoreDNS answers a CNAME chain ending in NODATA with the apex NS in authority; the reference with the SOA"
	knownNSGlue  = "the reference adds the addresses of the authority section's name servers to the additional section; CoreDNS does not"
)

func normalize(ours, ref *dns.Msg) []string {
	var known []string
	if ref.Authoritative && len(ref.Answer) > 0 {
		// Drop from ref's additional section the glue of its NS records that
		// ours does not carry.
		targets := map[string]bool{}
		for _, rr := range ref.Ns {
			if ns, ok := rr.(*dns.NS); ok {
				targets[strings.ToLower(ns.Ns)] = true
			}
		}
		oursExtra := crossRRs(ours.Extra)
		var kept []dns.RR
		for _, rr := range ref.Extra {
			if targets[strings.ToLower(rr.Header().Name)] && !slices.Contains(oursExtra, crossRRs([]dns.RR{rr})[0]) {
				continue
			}
			kept = append(kept, rr)
		}
		if len(kept) != len(ref.Extra) {
			known = append(known, knownNSGlue)
			ref.Extra = kept
		}
	}
	if len(ours.Answer) > 0 && len(ours.Ns) > 0 && ours.Ns[0].Header().Rrtype == dns.TypeNS && ours.Authoritative {
		if len(ref.Ns) == 0 {
			known = append(known, knownApexNS)
			ours.Ns = nil
		} else if len(ref.Ns) == 1 && ref.Ns[0].Header().Rrtype == dns.TypeSOA {
			known = append(known, knownNodataN)
			ours.Ns = ref.Ns
		}
	}
	if len(ours.Ns) == 1 && len(ref.Ns) == 1 {
		a, okA := ours.Ns[0].(*dns.SOA)
		b, okB := ref.Ns[0].(*dns.SOA)
		if okA && okB && a.Hdr.Ttl != b.Hdr.Ttl && b.Hdr.Ttl == min(a.Hdr.Ttl, a.Minttl) {
			known = append(known, knownSOATTL)
			c := *a
			c.Hdr.Ttl = b.Hdr.Ttl
			ours.Ns = []dns.RR{&c}
		}
	}
	return known
}

// exchangeRetry asks addr over UDP, retrying once on a timeout.
func exchangeRetry(m *dns.Msg, addr string) (*dns.Msg, error) {
	c := &dns.Client{Timeout: 2 * time.Second}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		r, _, err = c.Exchange(m, addr)
	}
	return r, err
}

// compareReplies describes how b differs from a, or returns "".
func compareReplies(a, b *dns.Msg) string {
	var sb strings.Builder
	flags := func(m *dns.Msg) string {
		return fmt.Sprintf("rcode=%s aa=%t tc=%t rd=%t ra=%t ad=%t cd=%t", dns.RcodeToString[m.Rcode],
			m.Authoritative, m.Truncated, m.RecursionDesired, m.RecursionAvailable, m.AuthenticatedData, m.CheckingDisabled)
	}
	if fa, fb := flags(a), flags(b); fa != fb {
		fmt.Fprintf(&sb, "  header: %s | %s\n", fa, fb)
	}
	for _, s := range []struct {
		name string
		a, b []dns.RR
	}{{"answer", a.Answer, b.Answer}, {"authority", a.Ns, b.Ns}, {"additional", a.Extra, b.Extra}} {
		ra, rb := crossRRs(s.a), crossRRs(s.b)
		for _, x := range ra {
			if !slices.Contains(rb, x) {
				fmt.Fprintf(&sb, "  %s only ours: %s\n", s.name, x)
			}
		}
		for _, x := range rb {
			if !slices.Contains(ra, x) {
				fmt.Fprintf(&sb, "  %s only reference: %s\n", s.name, x)
			}
		}
	}
	return sb.String()
}

// crossRRs returns the records as lowercased strings, without OPT.
func crossRRs(rrs []dns.RR) []string {
	var s []string
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		s = append(s, strings.ToLower(strings.ReplaceAll(rr.String(), "\t", " ")))
	}
	slices.Sort(s)
	return s
}

// startReference starts knotd or nsd serving zonefile on a loopback port and
// returns its address; the server is stopped when the test ends.
func startReference(t *testing.T, peer, dir, zonefile string) string {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	conf := filepath.Join(dir, peer+".conf")
	var cmd *exec.Cmd
	switch peer {
	case "knot":
		text := fmt.Sprintf(`server:
    listen: 127.0.0.1@%d
    rundir: "%[2]s"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
control:
    listen: "%[2]s/knot.sock"
database:
    storage: "%[2]s/db"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "%[2]s"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: example.org.
    file: "%[3]s"
`, port, dir, zonefile)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(lookPath("knotd"), "-c", conf)
	case "nsd":
		text := fmt.Sprintf(`server:
    ip-address: 127.0.0.1@%d
    port: %[1]d
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "%[2]s"
    database: ""
    zonelistfile: "%[2]s/zone.list"
    xfrdfile: "%[2]s/xfrd.state"
    xfrdir: "%[2]s"
    pidfile: "%[2]s/nsd.pid"
    logfile: "%[2]s/nsd.log"
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: example.org.
    zonefile: "%[3]s"
`, port, dir, zonefile)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command(lookPath("nsd"), "-d", "-c", conf)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start %s: %v", peer, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt) //nolint:errcheck // it may be gone
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }() //nolint:errcheck // exit status does not matter
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill() //nolint:errcheck // last resort
			<-done
		}
	})
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeSOA)
	c := &dns.Client{Timeout: 200 * time.Millisecond}
	for range 50 {
		if r, _, err := c.Exchange(m, addr); err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) == 1 {
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not serve example.org. on %s:\n%s", peer, addr, out.String())
	return ""
}

// lookPath finds a daemon in PATH or /usr/sbin.
func lookPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return filepath.Join("/usr/sbin", name)
}
