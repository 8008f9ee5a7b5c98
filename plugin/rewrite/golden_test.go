package rewrite

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// TestGoldenScenarios replays the recorded rewrite scenarios (copied into
// testdata from the golden answers of CoreDNS 1.14.7) against a server
// whose chain is the scenario's rewrite rules in front of a zone handler
// loaded from the scenario's zone file. Queries for the second server
// block of a scenario (port=N) are not about rewrite and are skipped.
func TestGoldenScenarios(t *testing.T) {
	for _, scenario := range []string{"rewrite-fields", "rewrite-names"} {
		t.Run(scenario, func(t *testing.T) {
			dir := filepath.Join("testdata", scenario)
			zones, rules := scenarioRules(t, filepath.Join(dir, "Corefile"))
			zone := loadZone(t, filepath.Join(dir, "db.lab.test"), "lab.test.")
			before := zoneText(zone)

			var configs []*dnsserver.Config
			for _, z := range zones {
				configs = append(configs, &dnsserver.Config{Zone: z, Plugin: []plugin.Plugin{
					func(next plugin.Handler) plugin.Handler { return Rewrite{Next: next, Rules: rules} },
					func(plugin.Handler) plugin.Handler { return zone },
				}})
			}
			s, err := dnsserver.NewServer("dns://:0", configs)
			if err != nil {
				t.Fatal(err)
			}

			expected := readExpected(t, filepath.Join(dir, "expected.txt"))
			ran := 0
			for _, line := range readQueries(t, filepath.Join(dir, "queries.txt")) {
				want, ok := expected[line]
				if !ok {
					t.Fatalf("no expected answer for %q", line)
				}
				req, w, skip := goldenQuery(t, line)
				if skip {
					continue
				}
				rec := dnstest.NewRecorder(w)
				s.ServeDNS(context.Background(), rec, req)
				if rec.Msg == nil {
					t.Errorf("%s: no reply", line)
					continue
				}
				if got := normalize(rec.Msg, req.Id); !slices.Equal(got, want) {
					t.Errorf("%s:\n got  %q\n want %q", line, got, want)
				}
				ran++
			}
			if ran == 0 {
				t.Fatal("no query was run")
			}
			if after := zoneText(zone); after != before {
				t.Errorf("zone data was modified by the rewrites:\n%s", after)
			}
		})
	}
}

// scenarioRules returns the zones of the first server block of a Corefile
// and the rules of its rewrite lines.
func scenarioRules(t *testing.T, corefile string) ([]string, []Rule) {
	t.Helper()
	body, err := os.ReadFile(corefile)
	if err != nil {
		t.Fatal(err)
	}
	var zones, lines []string
	for _, l := range strings.Split(string(body), "\n") {
		trimmed := strings.TrimSpace(l)
		switch {
		case zones == nil && strings.HasSuffix(trimmed, "{"):
			for _, key := range strings.Fields(strings.TrimSuffix(trimmed, "{")) {
				host, _, _ := strings.Cut(key, ":")
				zones = append(zones, dns.Fqdn(host))
			}
		case zones != nil && trimmed == "}":
			c := caddy.NewTestController("dns", strings.Join(lines, "\n"))
			rules, err := rewriteParse(c)
			if err != nil {
				t.Fatal(err)
			}
			return zones, rules
		case zones != nil && strings.HasPrefix(trimmed, "rewrite "):
			lines = append(lines, trimmed)
		}
	}
	t.Fatal("no server block found")
	return nil, nil
}

func readQueries(t *testing.T, file string) []string {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(body), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// readExpected returns the normalised lines of each recorded answer, the
// head lines first, then the sorted records.
func readExpected(t *testing.T, file string) map[string][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "query "):
			cur = strings.TrimPrefix(l, "query ")
			out[cur] = nil
		case strings.HasPrefix(l, "  head ") || strings.HasPrefix(l, "  rr "):
			out[cur] = append(out[cur], strings.TrimSpace(l))
		}
	}
	for k, v := range out {
		out[k] = sortRecords(v)
	}
	return out
}

// goldenQuery builds the query of a queries.txt line. skip is true for
// queries to another server block.
func goldenQuery(t *testing.T, line string) (*dns.Msg, dns.ResponseWriter, bool) {
	t.Helper()
	f := strings.Fields(line)
	qtype, ok := dns.StringToType[f[1]]
	if !ok {
		t.Fatalf("unknown type in %q", line)
	}
	req := new(dns.Msg)
	req.SetQuestion(dns.Fqdn(f[0]), qtype)
	w := &test.ResponseWriter{}
	for _, flag := range f[2:] {
		switch {
		case flag == "tcp":
			w.TCP = true
		case strings.HasPrefix(flag, "class="):
			req.Question[0].Qclass = dns.StringToClass[strings.TrimPrefix(flag, "class=")]
		case strings.HasPrefix(flag, "port="):
			return nil, nil, true
		default:
			t.Fatalf("unsupported query flag %q", flag)
		}
	}
	return req, w, false
}

// normalize renders a reply the way the golden answers are written.
func normalize(m *dns.Msg, id uint16) []string {
	idOK := "ok"
	if m.Id != id {
		idOK = "MISMATCH"
	}
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{
		{m.Response, "qr"}, {m.Authoritative, "aa"}, {m.Truncated, "tc"}, {m.RecursionDesired, "rd"},
		{m.RecursionAvailable, "ra"}, {m.Zero, "z"}, {m.AuthenticatedData, "ad"}, {m.CheckingDisabled, "cd"},
	} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	out := []string{
		"head id=" + idOK + " opcode=" + dns.OpcodeToString[m.Opcode] + " rcode=" + dns.RcodeToString[m.Rcode] + " flags=" + strings.Join(flags, ","),
	}
	if len(m.Question) > 0 {
		q := m.Question[0]
		out = append(out, "head question="+q.Name+" "+dns.ClassToString[q.Qclass]+" "+dns.TypeToString[q.Qtype])
	}
	if m.IsEdns0() == nil {
		out = append(out, "head edns=none")
	}
	for _, s := range []struct {
		name string
		rrs  []dns.RR
	}{{"AN", m.Answer}, {"NS", m.Ns}, {"AR", m.Extra}} {
		for _, rr := range s.rrs {
			if rr.Header().Rrtype == dns.TypeOPT {
				continue
			}
			c := dns.Copy(rr)
			ttl := c.Header().Ttl
			c.Header().Ttl = 0
			out = append(out, "rr "+s.name+" "+c.String()+" ttl="+strconv.FormatUint(uint64(ttl), 10))
		}
	}
	return sortRecords(out)
}

// sortRecords sorts the rr lines and keeps the head lines in front.
func sortRecords(lines []string) []string {
	var head, rrs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "head ") {
			head = append(head, l)
		} else {
			rrs = append(rrs, l)
		}
	}
	slices.Sort(rrs)
	return append(head, rrs...)
}

// zoneText prints every record of the zone, to see that none changed.
func zoneText(z *zoneHandler) string {
	var lines []string
	for _, rrs := range z.rrs {
		for _, rr := range rrs {
			lines = append(lines, rr.String())
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
