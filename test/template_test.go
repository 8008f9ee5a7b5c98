package test

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/metrics"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

const templateCorefile = `lab.test:0 {
    bind 127.0.0.1
    template IN A lab.test {
        match ^ip-(?P<c>[0-9]{1,3})-(?P<d>[0-9]{1,3})\.lab\.test\.$
        answer "{{ .Name }} 60 IN A 10.99.{{ .Group.c }}.{{ .Group.d }}"
        fallthrough
    }
    template IN MX lab.test {
        match ^mail\.lab\.test\.$
        answer "{{ .Name }} 300 IN MX 10 mx.{{ .Zone }}"
        additional "mx.{{ .Zone }} 300 IN A 10.99.0.25"
        authority "{{ .Zone }} 300 IN NS ns1.{{ .Zone }}"
    }
    template ANY ANY lab.test {
        match ^departed\.
        rcode NXDOMAIN
        authority "{{ .Zone }} 60 IN SOA ns1.{{ .Zone }} hostmaster.{{ .Zone }} 1 60 60 60 60"
        fallthrough
    }
    template IN TXT lab.test {
        match ^blocked\.lab\.test\.$
        rcode REFUSED
        ederror 15 "lab policy"
        fallthrough
    }
    template IN A alias.lab.test {
        answer "alias.lab.test. 60 IN CNAME ip-1-2.lab.test."
    }
    template IN AAAA lab.test {
        match ^v6\.lab\.test\.$
        expr incidr(client_ip(), '127.0.0.0/8') && proto() == 'tcp'
        answer "{{ .Name }} 60 IN AAAA 2001:db8::1"
        fallthrough
    }
    template IN SRV lab.test {
        match ^_svc\._tcp\.lab\.test\.$
        answer "{{ .Name }} 60 IN SRV 0 0 8080 ip-0-8.lab.test."
    }
    template IN TXT lab.test {
        match ^bad\.lab\.test\.$
        answer "{{ .Name }} 60 IN A 10.99.0.999"
    }
    whoami
}`

// startTemplateServer starts templateCorefile and returns its UDP and TCP
// addresses, told apart by type: CoreDNSServerPorts expects them the other
// way round from what the listeners report.
func startTemplateServer(t *testing.T) (*caddy.Instance, string, string) {
	t.Helper()
	i, err := CoreDNSServer(templateCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	var udp, tcp string
	for _, a := range []net.Addr{i.Servers()[0].LocalAddr(), i.Servers()[0].Addr()} {
		switch v := a.(type) {
		case *net.UDPAddr:
			udp = v.String()
		case *net.TCPAddr:
			tcp = v.String()
		}
	}
	if udp == "" || tcp == "" {
		i.Stop()
		t.Fatalf("no UDP (%q) or TCP (%q) address", udp, tcp)
	}
	return i, udp, tcp
}

func TestTemplateServer(t *testing.T) {
	i, udp, tcp := startTemplateServer(t)
	defer CoreDNSServerStop(i)

	soa := test.SOA("lab.test. 60 IN SOA ns1.lab.test. hostmaster.lab.test. 1 60 60 60 60")
	cases := []test.Case{
		{Qname: "IP-4-20.lab.test.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("ip-4-20.lab.test. 60 IN A 10.99.4.20")}},
		{Qname: "mail.lab.test.", Qtype: dns.TypeMX, Authoritative: true,
			Answer: []dns.RR{test.MX("mail.lab.test. 300 IN MX 10 mx.lab.test.")},
			Ns:     []dns.RR{test.NS("lab.test. 300 IN NS ns1.lab.test.")},
			Extra:  []dns.RR{test.A("mx.lab.test. 300 IN A 10.99.0.25")}},
		{Qname: "departed.lab.test.", Qtype: dns.TypeTXT, Rcode: dns.RcodeNameError, Authoritative: true, Ns: []dns.RR{soa}},
		// The CNAME target is resolved through the server itself.
		{Qname: "alias.lab.test.", Qtype: dns.TypeA, Authoritative: true, Answer: []dns.RR{
			test.CNAME("alias.lab.test. 60 IN CNAME ip-1-2.lab.test."),
			test.A("ip-1-2.lab.test. 60 IN A 10.99.1.2"),
		}},
		{Qname: "_svc._tcp.lab.test.", Qtype: dns.TypeSRV, Authoritative: true,
			Answer: []dns.RR{test.SRV("_svc._tcp.lab.test. 60 IN SRV 0 0 8080 ip-0-8.lab.test.")}},
		// No fallthrough: SERVFAIL, written by the server.
		{Qname: "_other._tcp.lab.test.", Qtype: dns.TypeSRV, Rcode: dns.RcodeServerFailure},
		// A record that does not parse.
		{Qname: "bad.lab.test.", Qtype: dns.TypeTXT, Rcode: dns.RcodeServerFailure},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		c := dns.Client{Net: network, Timeout: 2 * time.Second}
		for _, tc := range cases {
			resp, _, err := c.Exchange(tc.Msg(), addr)
			if err != nil {
				t.Fatalf("%s %s: %v", network, tc.Qname, err)
			}
			if err := test.SortAndCheck(resp, tc); err != nil {
				t.Errorf("%s: %v", network, err)
			}
			if tc.Rcode == dns.RcodeServerFailure && resp.Authoritative {
				t.Errorf("%s %s: SERVFAIL with AA set", network, tc.Qname)
			}
		}
	}

	// The expression asks for TCP: over UDP the query goes on to whoami.
	q := new(dns.Msg)
	q.SetQuestion("v6.lab.test.", dns.TypeAAAA)
	resp, _, err := (&dns.Client{Net: "tcp", Timeout: 2 * time.Second}).Exchange(q, tcp)
	if err != nil {
		t.Fatal(err)
	}
	want := test.Case{Qname: "v6.lab.test.", Qtype: dns.TypeAAAA, Authoritative: true,
		Answer: []dns.RR{test.AAAA("v6.lab.test. 60 IN AAAA 2001:db8::1")}}
	if err := test.SortAndCheck(resp, want); err != nil {
		t.Error(err)
	}
	resp, _, err = (&dns.Client{Net: "udp", Timeout: 2 * time.Second}).Exchange(q, udp)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Answer) != 0 || len(resp.Extra) != 2 {
		t.Errorf("udp v6.lab.test.: got %v, want whoami's answer", resp)
	}
}

func TestTemplateServerExtendedError(t *testing.T) {
	i, udp, _ := startTemplateServer(t)
	defer CoreDNSServerStop(i)

	for _, edns := range []bool{false, true} {
		q := new(dns.Msg)
		q.SetQuestion("blocked.lab.test.", dns.TypeTXT)
		wantSize := uint16(4096)
		if edns {
			q.SetEdns0(1232, false)
			wantSize = 1232
		}
		resp, _, err := (&dns.Client{Net: "udp", Timeout: 2 * time.Second}).Exchange(q, udp)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Rcode != dns.RcodeRefused || !resp.Authoritative || len(resp.Answer)+len(resp.Ns) != 0 {
			t.Errorf("edns %v: got %v, want an empty authoritative REFUSED", edns, resp)
		}
		opt := resp.IsEdns0()
		if opt == nil || opt.UDPSize() != wantSize || len(opt.Option) != 1 {
			t.Fatalf("edns %v: OPT = %v, want size %d and one option", edns, opt, wantSize)
		}
		ede, ok := opt.Option[0].(*dns.EDNS0_EDE)
		if !ok || ede.InfoCode != 15 || ede.ExtraText != "lab policy" {
			t.Errorf("edns %v: option %v, want EDE 15 \"lab policy\"", edns, opt.Option[0])
		}
	}
}

func TestTemplateMetrics(t *testing.T) {
	i, err := CoreDNSServer(`metrics.test:0 {
    bind 127.0.0.1
    prometheus 127.0.0.1:0
    template IN A {
        match ^ok\.
        answer "{{ .Name }} 60 IN A 192.0.2.1"
    }
    template IN AAAA {
        answer "{{ .Name }} 60 IN AAAA not-an-address"
    }
}`)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	var udp string
	for _, a := range []net.Addr{i.Servers()[0].LocalAddr(), i.Servers()[0].Addr()} {
		if v, ok := a.(*net.UDPAddr); ok {
			udp = v.String()
		}
	}

	matches := map[string]string{"zone": "metrics.test.", "class": "IN", "type": "A", "view": ""}
	failures := map[string]string{"zone": "metrics.test.", "class": "IN", "type": "AAAA", "section": "answer",
		"template": "{{ .Name }} 60 IN AAAA not-an-address"}
	url := "http://" + metrics.ListenAddr + "/metrics"
	before := test.Scrape(url)

	c := dns.Client{Timeout: 2 * time.Second}
	for _, q := range []struct {
		name string
		typ  uint16
	}{{"ok.metrics.test.", dns.TypeA}, {"ok.metrics.test.", dns.TypeA}, {"x.metrics.test.", dns.TypeAAAA}} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.typ)
		if _, _, err := c.Exchange(m, udp); err != nil {
			t.Fatal(err)
		}
	}

	after := test.Scrape(url)
	if d := templateSample(after, "coredns_template_matches_total", matches) -
		templateSample(before, "coredns_template_matches_total", matches); d != 2 {
		t.Errorf("matches grew by %v, want 2", d)
	}
	if d := templateSample(after, "coredns_template_rr_failures_total", failures) -
		templateSample(before, "coredns_template_rr_failures_total", failures); d != 1 {
		t.Errorf("rr failures grew by %v, want 1", d)
	}
}

// templateSample returns the value of the sample of name whose labels
// include want, or 0 when there is none.
func templateSample(mfs []*test.MetricFamily, name string, want map[string]string) float64 {
	for _, mf := range mfs {
		if mf.Name != name {
			continue
		}
	next:
		for _, m := range mf.Metrics {
			mm, _ := m.(map[string]any)
			labels, _ := mm["labels"].(map[string]string)
			for k, v := range want {
				if labels[k] != v {
					continue next
				}
			}
			v, _ := mm["value"].(string)
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}
