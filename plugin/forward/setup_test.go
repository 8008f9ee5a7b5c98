package forward

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/pkg/proxy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "forward . 127.0.0.1\nforward example.org 127.0.0.2")
	if err := setup(c); err != nil {
		t.Fatalf("setup: %v", err)
	}
	if n := len(dnsserver.GetConfig(c).Plugin); n != 2 {
		t.Errorf("%d plugins added, want 2", n)
	}
	if err := setup(caddy.NewTestController("dns", "forward .")); err == nil || !strings.HasPrefix(err.Error(), "plugin/forward: ") {
		t.Errorf("bad stanza: err = %v, want a plugin/forward error", err)
	}
}

// parseOne parses input and returns its only Forward.
func parseOne(t *testing.T, input string) (*Forward, error) {
	t.Helper()
	fs, err := parseForward(caddy.NewTestController("dns", input))
	if err != nil {
		return nil, err
	}
	if len(fs) != 1 {
		t.Fatalf("%d forwards, want 1", len(fs))
	}
	return fs[0], nil
}

func TestParseDefaults(t *testing.T) {
	f, err := parseOne(t, "forward . 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if f.from != "." || f.maxfails != 2 || f.expire != 10*time.Second || f.hcInterval != 500*time.Millisecond ||
		f.policy != policyRandom || f.maxConcurrent != 0 || f.attemptsSet || f.connectAttempts() != 2 ||
		f.opts != (proxy.Options{HCRecursionDesired: true, HCDomain: "."}) || f.failfastAll || !f.nextRcodes.empty() || !f.failoverRcodes.empty() {
		t.Errorf("defaults wrong: %+v", f)
	}
	if got := addrs(f); !slices.Equal(got, []string{"127.0.0.1:53"}) {
		t.Errorf("upstreams %v", got)
	}
	hc := f.proxies[0].GetHealthchecker()
	if hc.GetDomain() != "." || !hc.GetRecursionDesired() {
		t.Errorf("health check defaults: %s rd=%v", hc.GetDomain(), hc.GetRecursionDesired())
	}
}

func addrs(f *Forward) []string {
	var a []string
	for _, p := range f.proxies {
		a = append(a, p.Addr())
	}
	return a
}

func TestParseUpstreams(t *testing.T) {
	dir := t.TempDir()
	resolv := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver 10.10.255.252\nnameserver 10.10.255.253\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		input string
		from  string
		addrs []string
		tls   bool
	}{
		{"forward . 127.0.0.1", ".", []string{"127.0.0.1:53"}, false},
		{"forward . dns://127.0.0.1:1053", ".", []string{"127.0.0.1:1053"}, false},
		{"forward . tls://127.0.0.1", ".", []string{"127.0.0.1:853"}, true},
		{"forward . tls://127.0.0.1:10853", ".", []string{"127.0.0.1:10853"}, true},
		{"forward . https://127.0.0.1", ".", []string{"127.0.0.1:443"}, true},
		{"forward . [::1]:53 ::2", ".", []string{"[::1]:53", "[::2]:53"}, false},
		{"forward example.ORG 127.0.0.1", "example.org.", []string{"127.0.0.1:53"}, false},
		{"forward 10.0.0.0/24 127.0.0.1", "0.0.10.in-addr.arpa.", []string{"127.0.0.1:53"}, false},
		{"forward . " + resolv, ".", []string{"10.10.255.252:53", "10.10.255.253:53"}, false},
		{"forward . " + resolv + " 127.0.0.1", ".", []string{"10.10.255.252:53", "10.10.255.253:53", "127.0.0.1:53"}, false},
	}
	for _, tc := range tests {
		f, err := parseOne(t, tc.input)
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		if f.from != tc.from {
			t.Errorf("%q: from %q, want %q", tc.input, f.from, tc.from)
		}
		if got := addrs(f); !slices.Equal(got, tc.addrs) {
			t.Errorf("%q: upstreams %v, want %v", tc.input, got, tc.addrs)
		}
		if got := f.proxies[0].GetTransport().GetTLSConfig() != nil; got != tc.tls {
			t.Errorf("%q: TLS %v, want %v", tc.input, got, tc.tls)
		}
	}
}

func TestParseServerName(t *testing.T) {
	f, err := parseOne(t, "forward . tls://127.0.0.1%dns.example tls://127.0.0.2%other.example:10853 tls://127.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	if got := addrs(f); !slices.Equal(got, []string{"127.0.0.1:853", "127.0.0.2:10853", "127.0.0.3:853"}) {
		t.Errorf("upstreams %v", got)
	}
	for i, want := range []string{"dns.example", "other.example", ""} {
		if got := f.proxies[i].GetTransport().GetTLSConfig().ServerName; got != want {
			t.Errorf("upstream %d: server name %q, want %q", i, got, want)
		}
	}

	f, err = parseOne(t, "forward . tls://127.0.0.1 tls://127.0.0.2 {\ntls_servername dns.example\n}")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range f.proxies {
		if got := p.GetTransport().GetTLSConfig().ServerName; got != "dns.example" {
			t.Errorf("upstream %d: server name %q, want dns.example", i, got)
		}
	}
}

func TestSplitServerName(t *testing.T) {
	tests := []struct{ in, addr, name string }{
		{"tls://1.2.3.4%dns.example", "tls://1.2.3.4", "dns.example"},
		{"tls://1.2.3.4%dns.example:10853", "tls://1.2.3.4:10853", "dns.example"},
		{"tls://2001:db8::1%dns.example:853", "tls://[2001:db8::1]:853", "dns.example"},
		{"tls://[fe80::1%eth0]:853", "tls://[fe80::1%eth0]:853", ""},
		{"tls://fe80::1%eth0", "tls://fe80::1%eth0", ""},
		{"tls://1.2.3.4", "tls://1.2.3.4", ""},
		{"1.2.3.4", "1.2.3.4", ""},
		{"fe80::1%eth0", "fe80::1%eth0", ""},
	}
	for _, tc := range tests {
		addr, name := splitServerName(tc.in)
		if addr != tc.addr || name != tc.name {
			t.Errorf("splitServerName(%q) = %q, %q; want %q, %q", tc.in, addr, name, tc.addr, tc.name)
		}
	}
}

func TestParseOptions(t *testing.T) {
	f, err := parseOne(t, `forward example.org 127.0.0.1 127.0.0.2 {
		except a.example.org B.example.org
		force_tcp
		prefer_udp
		expire 20s
		max_age 1m
		max_idle_conns 8
		max_fails 3
		max_connect_attempts 5
		policy sequential
		health_check 2s no_rec domain Health.Example
		max_concurrent 100
		next NXDOMAIN refused
		failover SERVFAIL
		failfast_all_unhealthy_upstreams
		source_address 127.0.0.1
		doh_method get
	}`)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case !slices.Equal(f.ignored, []string{"a.example.org.", "b.example.org."}):
		t.Errorf("except %v", f.ignored)
	case !f.opts.ForceTCP || !f.opts.PreferUDP:
		t.Errorf("force_tcp/prefer_udp not set: %+v", f.opts)
	case f.expire != 20*time.Second || f.maxAge != time.Minute || f.maxIdleConns != 8:
		t.Errorf("expire %v max_age %v max_idle_conns %d", f.expire, f.maxAge, f.maxIdleConns)
	case f.maxfails != 3 || f.maxAttempts != 5 || !f.attemptsSet || f.connectAttempts() != 5:
		t.Errorf("max_fails %d max_connect_attempts %d", f.maxfails, f.maxAttempts)
	case f.policy != policySequential:
		t.Errorf("policy %v", f.policy)
	case f.hcInterval != 2*time.Second || f.opts.HCRecursionDesired || f.opts.HCDomain != "health.example.":
		t.Errorf("health_check %v %+v", f.hcInterval, f.opts)
	case f.maxConcurrent != 100 || f.ErrLimitExceeded == nil || f.ErrLimitExceeded.Error() != "concurrent queries exceeded maximum 100":
		t.Errorf("max_concurrent %d %v", f.maxConcurrent, f.ErrLimitExceeded)
	case !f.nextRcodes.has(dns.RcodeNameError) || !f.nextRcodes.has(dns.RcodeRefused) || f.nextRcodes.has(dns.RcodeSuccess):
		t.Errorf("next %+v", f.nextRcodes)
	case !f.failoverRcodes.has(dns.RcodeServerFailure) || f.failoverRcodes.has(dns.RcodeRefused):
		t.Errorf("failover %+v", f.failoverRcodes)
	case !f.failfastAll:
		t.Error("failfast_all_unhealthy_upstreams not set")
	case !f.localAddr.Equal(net.ParseIP("127.0.0.1")):
		t.Errorf("source_address %v", f.localAddr)
	case f.dohMethod != "GET":
		t.Errorf("doh_method %q", f.dohMethod)
	}
	for _, p := range f.proxies {
		hc := p.GetHealthchecker()
		if hc.GetDomain() != "health.example." || hc.GetRecursionDesired() || !hc.GetLocalAddress().Equal(net.ParseIP("127.0.0.1")) {
			t.Errorf("%s: health check %s rd=%v from %v", p.Addr(), hc.GetDomain(), hc.GetRecursionDesired(), hc.GetLocalAddress())
		}
	}

	for _, pol := range []string{"random", "round_robin", "sequential"} {
		f, err := parseOne(t, "forward . 127.0.0.1 {\npolicy "+pol+"\n}")
		if err != nil || f.policy.String() != pol {
			t.Errorf("policy %s: %v %v", pol, err, f)
		}
	}
}

func TestParseTLS(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, ca := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	tests := []struct {
		args      string
		certs     int
		customCAs bool
	}{
		{"", 0, false},
		{ca, 0, true},
		{cert + " " + key, 1, false},
		{cert + " " + key + " " + ca, 1, true},
	}
	for _, tc := range tests {
		f, err := parseOne(t, "forward . tls://127.0.0.1 {\ntls "+tc.args+"\n}")
		if err != nil {
			t.Errorf("tls %q: %v", tc.args, err)
			continue
		}
		cfg := f.proxies[0].GetTransport().GetTLSConfig()
		if len(cfg.Certificates) != tc.certs || (cfg.RootCAs != nil) != tc.customCAs {
			t.Errorf("tls %q: %d certificates, custom CAs %v", tc.args, len(cfg.Certificates), cfg.RootCAs != nil)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		input string
		err   string
	}{
		{"forward", "Wrong argument count"},
		{"forward .", "Wrong argument count"},
		{"forward . example.org", "not an IP address or file"},
		{"forward . /no/such/file", "not an IP address or file"},
		{"forward . tls://", "invalid address"},
		{"forward . grpc://127.0.0.1", "unsupported transport"},
		{"forward . 127.0.0.1 {\nfoo\n}", "unknown property 'foo'"},
		{"forward . 127.0.0.1 {\nexcept\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nforce_tcp yes\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nprefer_udp yes\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nfailfast_all_unhealthy_upstreams yes\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nmax_fails\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nmax_fails many\n}", "max_fails: invalid number 'many'"},
		{"forward . 127.0.0.1 {\nmax_fails -1\n}", "max_fails can't be negative: -1"},
		{"forward . 127.0.0.1 {\nmax_fails 1 2\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nmax_connect_attempts -2\n}", "max_connect_attempts can't be negative"},
		{"forward . 127.0.0.1 {\nmax_idle_conns x\n}", "max_idle_conns: invalid number"},
		{"forward . 127.0.0.1 {\nmax_concurrent -5\n}", "max_concurrent can't be negative"},
		{"forward . 127.0.0.1 {\nexpire\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nexpire soon\n}", "expire: invalid duration 'soon'"},
		{"forward . 127.0.0.1 {\nexpire -1s\n}", "expire can't be negative: -1s"},
		{"forward . 127.0.0.1 {\nexpire 1s 2s\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nmax_age -1s\n}", "max_age can't be negative"},
		{"forward . 127.0.0.1 {\nhealth_check\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nhealth_check -1s\n}", "health_check can't be negative"},
		{"forward . 127.0.0.1 {\nhealth_check 1s yes\n}", "health_check: unknown option 'yes'"},
		{"forward . 127.0.0.1 {\nhealth_check 1s domain\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nhealth_check 1s domain bad..name\n}", "health_check: invalid domain name"},
		{"forward . 127.0.0.1 {\ntls a b c d\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\ntls /no/such/ca.pem\n}", "error reading CA file"},
		{"forward . 127.0.0.1 {\ntls_servername\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\ntls_servername a b\n}", "Wrong argument count"},
		{"forward . tls://127.0.0.1%dns.example {\ntls_servername other.example\n}", "tls_servername cannot be combined"},
		{"forward . 127.0.0.1 {\npolicy\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\npolicy fastest\n}", "unknown policy 'fastest'"},
		{"forward . 127.0.0.1 {\nnext\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nnext NOTACODE\n}", "NOTACODE is not a valid rcode"},
		{"forward . 127.0.0.1 {\nfailover\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nfailover NOERROR\n}", "NOERROR cannot be a failover rcode"},
		{"forward . 127.0.0.1 {\nfailover BOGUS\n}", "BOGUS is not a valid rcode"},
		{"forward . 127.0.0.1 {\ndoh_method PUT\n}", "doh_method must be GET or POST"},
		{"forward . 127.0.0.1 {\nsource_address\n}", "Wrong argument count"},
		{"forward . 127.0.0.1 {\nsource_address host.example\n}", "is not an IP address"},
		{"forward . " + strings.Repeat("127.0.0.1 ", 16), "more than 15 TOs configured: 16"},
	}
	for _, tc := range tests {
		_, err := parseForward(caddy.NewTestController("dns", tc.input))
		if err == nil {
			t.Errorf("%q: no error, want %q", tc.input, tc.err)
			continue
		}
		if !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %q, want it to contain %q", tc.input, err, tc.err)
		}
		// Errors name the file and line.
		if !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: error %q does not name the file and line", tc.input, err)
		}
	}
}

func TestParseMaxUpstreams(t *testing.T) {
	f, err := parseOne(t, "forward . "+strings.Repeat("127.0.0.1 ", 15))
	if err != nil {
		t.Fatalf("15 upstreams: %v", err)
	}
	if f.Len() != 15 || f.connectAttempts() != 30 {
		t.Errorf("Len %d, connect attempts %d; want 15 and 30", f.Len(), f.connectAttempts())
	}
}

func TestParseForceTCPHealthCheck(t *testing.T) {
	// The health checker of a force_tcp upstream uses TCP; check it against
	// a TCP-only upstream.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	srv := &dns.Server{Listener: l, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	defer srv.Shutdown()

	g, err := parseOne(t, "forward . "+l.Addr().String()+" {\nforce_tcp\n}")
	if err != nil {
		t.Fatal(err)
	}
	p := g.proxies[0]
	if err := p.GetHealthchecker().Check(p); err != nil {
		t.Errorf("TCP health check: %v", err)
	}
}
