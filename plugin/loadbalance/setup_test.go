package loadbalance

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input  string
		policy policy
		file   string
		reload time.Duration
		prefer []string
		err    string // substring of the expected error; "" for none
	}{
		{"loadbalance", policyRoundRobin, "", defaultReload, nil, ""},
		{"loadbalance round_robin", policyRoundRobin, "", defaultReload, nil, ""},
		{"loadbalance {\n}", policyRoundRobin, "", defaultReload, nil, ""},
		{"loadbalance weighted db.weights", policyWeighted, "db.weights", defaultReload, nil, ""},
		{"loadbalance weighted db.weights {\nreload 10s\n}", policyWeighted, "db.weights", 10 * time.Second, nil, ""},
		{"loadbalance weighted db.weights {\nreload 0s\n}", policyWeighted, "db.weights", 0, nil, ""},
		{"loadbalance {\nprefer 10.0.0.0/8\n}", policyRoundRobin, "", defaultReload, []string{"10.0.0.0/8"}, ""},
		{"loadbalance round_robin {\nprefer 10.1.2.3/16 2001:db8::/32\n}", policyRoundRobin, "", defaultReload, []string{"10.1.0.0/16", "2001:db8::/32"}, ""},
		{"loadbalance round_robin {\nprefer 10.0.0.0/8\nprefer 192.0.2.0/24\n}", policyRoundRobin, "", defaultReload, []string{"10.0.0.0/8", "192.0.2.0/24"}, ""},
		{"loadbalance weighted w {\nreload 1m\nprefer 192.0.2.0/24\n}", policyWeighted, "w", time.Minute, []string{"192.0.2.0/24"}, ""},

		{"loadbalance round_robin extra", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance weighted", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance weighted a b", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance random", 0, "", 0, nil, "unknown policy"},
		{"loadbalance {\nreload 10s\n}", 0, "", 0, nil, "only valid with the weighted policy"},
		{"loadbalance weighted w {\nreload\n}", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance weighted w {\nreload 1s 2s\n}", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance weighted w {\nreload soon\n}", 0, "", 0, nil, "invalid reload duration"},
		{"loadbalance weighted w {\nreload -1s\n}", 0, "", 0, nil, "invalid reload duration"},
		{"loadbalance {\nprefer\n}", 0, "", 0, nil, "Wrong argument count"},
		{"loadbalance {\nprefer 10.0.0.1\n}", 0, "", 0, nil, "invalid CIDR"},
		{"loadbalance {\nprefer 10.0.0.0/33\n}", 0, "", 0, nil, "invalid CIDR"},
		{"loadbalance {\nprefer 10.0.0.0/8 nonsense\n}", 0, "", 0, nil, "invalid CIDR"},
		{"loadbalance {\nlimit 3\n}", 0, "", 0, nil, "unknown property"},
		{"loadbalance\nloadbalance", 0, "", 0, nil, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		cfg, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if cfg.policy != tc.policy || cfg.weightFile != tc.file || cfg.reload != tc.reload {
			t.Errorf("%q: got policy %d file %q reload %v, want %d %q %v", tc.input, cfg.policy, cfg.weightFile, cfg.reload, tc.policy, tc.file, tc.reload)
		}
		if len(cfg.prefer) != len(tc.prefer) {
			t.Errorf("%q: got prefer %v, want %v", tc.input, cfg.prefer, tc.prefer)
			continue
		}
		for i, p := range tc.prefer {
			if cfg.prefer[i] != netip.MustParsePrefix(p) {
				t.Errorf("%q: prefer[%d] is %v, want %s", tc.input, i, cfg.prefer[i], p)
			}
		}
	}
}

func TestSetup(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.weights")
	if err := os.WriteFile(good, []byte("www.example.org\n192.0.2.1 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.weights")
	if err := os.WriteFile(bad, []byte("192.0.2.1 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		input string
		err   string
	}{
		{"loadbalance", ""},
		{"loadbalance weighted " + good, ""},
		{"loadbalance weighted " + bad, "before any domain name"},
		{"loadbalance weighted " + filepath.Join(dir, "missing"), "no such file"},
		{"loadbalance random", "plugin/loadbalance"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.input, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "Testfile:1") {
			t.Errorf("%q: error %v, want one containing %q and the file and line", tc.input, err, tc.err)
		}
	}
}

func TestParseWeights(t *testing.T) {
	tests := []struct {
		input string
		want  map[string][]weight
		err   string
	}{
		{
			"# comment\n\nwww.example.org\n192.0.2.1 3\n192.0.2.2 1\n\nOther.Example.org.\n2001:db8::1 255\n",
			map[string][]weight{
				"www.example.org.":   {{netip.MustParseAddr("192.0.2.1"), 3}, {netip.MustParseAddr("192.0.2.2"), 1}},
				"other.example.org.": {{netip.MustParseAddr("2001:db8::1"), 255}},
			}, "",
		},
		{"empty.example.org\n", map[string][]weight{"empty.example.org.": nil}, ""},
		{"  a.example.org  \n  192.0.2.1\t2  \n", map[string][]weight{"a.example.org.": {{netip.MustParseAddr("192.0.2.1"), 2}}}, ""},
		{"192.0.2.1 3\n", nil, "line 1: address \"192.0.2.1\" before any domain name"},
		{"a.example.org\n192.0.2.1 0\n", nil, "line 2: invalid weight"},
		{"a.example.org\n192.0.2.1 256\n", nil, "line 2: invalid weight"},
		{"a.example.org\n192.0.2.1 x\n", nil, "line 2: invalid weight"},
		{"a.example.org\n192.0.2.300 1\n", nil, "line 2: invalid address"},
		{"a.example.org\n192.0.2.1 1 2\n", nil, "line 2: want a domain name"},
		{"a..example.org\n", nil, "line 1: invalid domain name"},
	}
	for _, tc := range tests {
		got, err := parseWeights([]byte(tc.input))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %v, want %v", tc.input, got, tc.want)
			continue
		}
		for name, ws := range tc.want {
			g, ok := got[name]
			if !ok || len(g) != len(ws) {
				t.Errorf("%q: %s has %v, want %v", tc.input, name, g, ws)
				continue
			}
			for i := range ws {
				if g[i] != ws[i] {
					t.Errorf("%q: %s[%d] is %v, want %v", tc.input, name, i, g[i], ws[i])
				}
			}
		}
	}
}
