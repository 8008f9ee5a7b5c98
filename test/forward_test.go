package test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// forwardPorts returns two free ports: the front server and its upstream.
func forwardPorts(t *testing.T) (int, int) {
	t.Helper()
	p1, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	p2, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	if p1 == p2 {
		t.Skip("got the same free port twice")
	}
	return p1, p2
}

// startForward starts corefile and returns the UDP and TCP addresses of the
// listener on port.
func startForward(t *testing.T, corefile string, port int) (udp, tcp string) {
	t.Helper()
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v\n%s", err, corefile)
	}
	t.Cleanup(func() { i.Stop() })
	udp, tcp = CoreDNSServerPortsFor(i, port)
	if udp == "" || tcp == "" {
		t.Fatalf("no listener on port %d", port)
	}
	return udp, tcp
}

func exchange(t *testing.T, net, addr string, m *dns.Msg) *dns.Msg {
	t.Helper()
	c := &dns.Client{Net: net}
	r, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("%s query to %s: %v", net, addr, err)
	}
	return r
}

func TestForwardToSecondBlock(t *testing.T) {
	front, back := forwardPorts(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    forward . 127.0.0.1:%d {
        except private.example.org
    }
    whoami
}
example.org:%d {
    bind 127.0.0.1
    template IN A example.org {
        match ^(www|private)\.example\.org\.$
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
}
`, front, back, back)
	udp, tcp := startForward(t, corefile, front)

	tests := []struct {
		qname string
		tc    test.Case
	}{
		{"www.example.org.", test.Case{
			Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.org. 60 IN A 192.0.2.1")},
		}},
		{"nothing.example.net.", test.Case{
			// The upstream serves only example.org: it refuses the rest.
			Qname: "nothing.example.net.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused,
		}},
	}
	for _, tc := range tests {
		for _, net := range []string{"udp", "tcp"} {
			addr := udp
			if net == "tcp" {
				addr = tcp
			}
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, dns.TypeA)
			r := exchange(t, net, addr, m)
			if r.Id != m.Id {
				t.Errorf("%s %s: reply ID %d, want %d", net, tc.qname, r.Id, m.Id)
			}
			if err := test.SortAndCheck(r, tc.tc); err != nil {
				t.Errorf("%s %s: %v", net, tc.qname, err)
			}
		}
	}

	// An excepted name goes to whoami in the front block instead.
	m := new(dns.Msg)
	m.SetQuestion("private.example.org.", dns.TypeA)
	r := exchange(t, "udp", udp, m)
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 0 || len(r.Extra) != 2 {
		t.Errorf("excepted name: want a whoami reply, got\n%v", r)
	}
}

func TestForwardDeadUpstream(t *testing.T) {
	front, dead := forwardPorts(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    forward . 127.0.0.1:%d
}
`, front, dead)
	udp, tcp := startForward(t, corefile, front)
	for net, addr := range map[string]string{"udp": udp, "tcp": tcp} {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		r := exchange(t, net, addr, m)
		if err := test.SortAndCheck(r, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure}); err != nil {
			t.Errorf("%s: %v", net, err)
		}
	}
}

// bigTemplate is a template block answering with enough A records to
// overflow 512 bytes.
func bigTemplate(port int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "big.example:%d {\n    bind 127.0.0.1\n    template IN A {\n", port)
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "        answer \"{{ .Name }} 60 IN A 192.0.2.%d\"\n", i)
	}
	b.WriteString("    }\n}\n")
	return b.String()
}

func TestForwardTruncated(t *testing.T) {
	front, back := forwardPorts(t)
	third, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    forward . 127.0.0.1:%d
}
.:%d {
    bind 127.0.0.1
    forward . 127.0.0.1:%d {
        prefer_udp
    }
}
`, front, back, third, back) + bigTemplate(back)
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v\n%s", err, corefile)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := CoreDNSServerPortsFor(i, front)
	_, preferUDPTCP := CoreDNSServerPortsFor(i, third)

	q := func() *dns.Msg {
		m := new(dns.Msg)
		m.SetQuestion("a.big.example.", dns.TypeA)
		return m
	}

	// A UDP client without EDNS gets the upstream's truncated reply.
	r := exchange(t, "udp", udp, q())
	if !r.Truncated || r.Rcode != dns.RcodeSuccess {
		t.Errorf("udp: want a truncated reply, got\n%v", r)
	}
	// Over TCP the upstream is asked over TCP: the whole answer.
	for name, addr := range map[string]string{"tcp": tcp, "prefer_udp over tcp": preferUDPTCP} {
		r = exchange(t, "tcp", addr, q())
		if r.Truncated || len(r.Answer) != 40 {
			t.Errorf("%s: want 40 answers, got TC=%v and %d", name, r.Truncated, len(r.Answer))
		}
	}
}

func TestForwardMetrics(t *testing.T) {
	front, back := forwardPorts(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    forward . 127.0.0.1:%d
}
example.org:%d {
    bind 127.0.0.1
    template IN A example.org {
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
}
`, front, back, back)
	udp, _ := startForward(t, corefile, front)
	for range 3 {
		m := new(dns.Msg)
		m.SetQuestion("www.example.org.", dns.TypeA)
		exchange(t, "udp", udp, m)
	}

	mfs := scrape(t, metrics.ListenAddr)
	to := fmt.Sprintf("127.0.0.1:%d", back)
	checks := []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"coredns_proxy_conn_cache_hits_total", map[string]string{"proxy_name": "forward", "to": to, "proto": "udp"}, 2},
		{"coredns_proxy_conn_cache_misses_total", map[string]string{"proxy_name": "forward", "to": to, "proto": "udp"}, 1},
		{"coredns_proxy_request_duration_seconds", map[string]string{"proxy_name": "forward", "to": to, "rcode": "NOERROR"}, 3},
	}
	for _, c := range checks {
		m := find(mfs[c.name], c.labels)
		if m == nil {
			t.Errorf("%s%v missing", c.name, c.labels)
			continue
		}
		v := m.GetCounter().GetValue()
		if h := m.GetHistogram(); h != nil {
			v = float64(h.GetSampleCount())
		}
		if v < c.min {
			t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, v, c.min)
		}
	}
	for _, name := range []string{"coredns_forward_healthcheck_broken_total", "coredns_forward_max_concurrent_rejects_total"} {
		if mfs[name] == nil {
			t.Errorf("%s not exported", name)
		}
	}
}

func TestForwardChaosClass(t *testing.T) {
	front, back := forwardPorts(t)
	corefile := fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    forward . 127.0.0.1:%d
}
.:%d {
    bind 127.0.0.1
    chaos CoreDNS-forward-test
}
`, front, back, back)
	udp, _ := startForward(t, corefile, front)

	m := new(dns.Msg)
	m.SetQuestion("version.bind.", dns.TypeTXT)
	m.Question[0].Qclass = dns.ClassCHAOS
	r := exchange(t, "udp", udp, m)
	want := &dns.TXT{
		Hdr: dns.RR_Header{Name: "version.bind.", Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS},
		Txt: []string{"CoreDNS-forward-test"},
	}
	if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
		t.Fatalf("want one CH TXT answer, got\n%v", r)
	}
	got, ok := r.Answer[0].(*dns.TXT)
	if !ok || got.Hdr.Name != want.Hdr.Name || got.Hdr.Class != want.Hdr.Class || len(got.Txt) != 1 || got.Txt[0] != want.Txt[0] {
		t.Errorf("answer %v, want %v", r.Answer[0], want)
	}
}
