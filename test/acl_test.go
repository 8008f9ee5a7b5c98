package test

import (
	"net"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus"
)

// listenAddrs returns the UDP and TCP addresses of the k-th server of i,
// told apart by their type.
func listenAddrs(t *testing.T, i *caddy.Instance, k int) (udp, tcp string) {
	t.Helper()
	srv := i.Servers()[k]
	for _, a := range []net.Addr{srv.LocalAddr(), srv.Addr()} {
		switch v := a.(type) {
		case *net.UDPAddr:
			udp = v.String()
		case *net.TCPAddr:
			tcp = v.String()
		}
	}
	if udp == "" || tcp == "" {
		t.Fatalf("no UDP (%q) or TCP (%q) address", udp, tcp)
	}
	return udp, tcp
}

// queryFrom sends m over network to addr from the loopback address src and
// returns the response (nil when none came before the timeout) and the
// client's source port.
func queryFrom(t *testing.T, network, addr, src string, m *dns.Msg, timeout time.Duration) (*dns.Msg, int) {
	t.Helper()
	d := &net.Dialer{Timeout: timeout}
	if network == "udp" {
		d.LocalAddr = &net.UDPAddr{IP: net.ParseIP(src)}
	} else {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(src)}
	}
	c := &dns.Client{Net: network, Dialer: d, Timeout: timeout}
	conn, err := c.Dial(addr)
	if err != nil {
		t.Fatalf("dial %s %s from %s: %v", network, addr, src, err)
	}
	defer conn.Close()
	var port int
	switch a := conn.LocalAddr().(type) {
	case *net.UDPAddr:
		port = a.Port
	case *net.TCPAddr:
		port = a.Port
	}
	resp, _, err := c.ExchangeWithConn(m, conn)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return nil, port
		}
		t.Fatalf("%s query from %s: %v", network, src, err)
	}
	return resp, port
}

// checkWhole compares the whole of got with want, header, question and
// every section in order.
func checkWhole(t *testing.T, label string, got, want *dns.Msg) {
	t.Helper()
	if want == nil {
		if got != nil {
			t.Errorf("%s: got a response, want none:\n%s", label, got)
		}
		return
	}
	if got == nil {
		t.Errorf("%s: got no response, want:\n%s", label, want)
		return
	}
	want.Id = got.Id
	if got.String() != want.String() {
		t.Errorf("%s: response:\n%s\nwant:\n%s", label, got, want)
	}
}

// refusal is the answer acl gives for block (REFUSED) and filter (NOERROR).
func refusal(q *dns.Msg, rcode int, info uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetRcode(q, rcode)
	m.SetEdns0(4096, true)
	m.IsEdns0().Option = []dns.EDNS0{&dns.EDNS0_EDE{InfoCode: info}}
	return m
}

// whoamiReply is what whoami answers a client at src:port over network.
func whoamiReply(q *dns.Msg, network, src string, port int) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	name := q.Question[0].Name
	srv := test.SRV("_" + network + "." + name + " 0 IN SRV 0 0 0 .")
	srv.Port = uint16(port)
	m.Extra = []dns.RR{test.A(name + " 0 IN A " + src), srv}
	return m
}

const aclCorefile = `lab.test:0 {
    bind 127.0.0.1
    view inner {
        expr incidr(client_ip(), '127.0.0.0/29')
    }
    acl {
        block net 127.0.0.2
        drop net 127.0.0.3
        filter type AAAA
    }
    template IN A {
        answer "{{ .Name }} 60 IN A 10.0.0.1"
    }
}
lab.test:0 {
    bind 127.0.0.1
    acl {
        allow net 127.0.0.9
        block type TXT
    }
    acl deep.lab.test {
        drop type TXT
    }
    whoami
}`

// aclCounters are the counters TestACLWithViews moves, and by how much.
// The server label has the port of the server block key: 0.
var aclCounters = []struct {
	name   string
	labels map[string]string
	want   float64
}{
	{"coredns_acl_blocked_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "zone": "lab.test.", "view": "inner"}, 3},
	{"coredns_acl_dropped_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "zone": "lab.test.", "view": "inner"}, 2},
	{"coredns_acl_filtered_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "zone": "lab.test.", "view": "inner"}, 2},
	{"coredns_acl_allowed_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "view": "inner"}, 2},
	{"coredns_acl_allowed_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "view": ""}, 6},
	{"coredns_acl_blocked_requests_total", map[string]string{"server": "dns://127.0.0.1:0", "zone": "lab.test.", "view": ""}, 4},
}

func TestACLWithViews(t *testing.T) {
	i, err := CoreDNSServer(aclCorefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := listenAddrs(t, i, 0)

	before := map[string]float64{}
	for _, c := range aclCounters {
		before[c.name+c.labels["view"]] = counterValue(t, c.name, c.labels)
	}

	q := func(name string, qtype uint16) *dns.Msg {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		return m
	}
	templateA := func(m *dns.Msg) *dns.Msg {
		r := new(dns.Msg)
		r.SetReply(m)
		r.Authoritative = true
		r.Answer = []dns.RR{test.A(m.Question[0].Name + " 60 IN A 10.0.0.1")}
		return r
	}
	tests := []struct {
		src  string
		q    *dns.Msg
		want func(q *dns.Msg, network string, port int) *dns.Msg
	}{
		// The view block: acl, then template.
		{"127.0.0.1", q("a.lab.test.", dns.TypeA), func(m *dns.Msg, _ string, _ int) *dns.Msg { return templateA(m) }},
		{"127.0.0.2", q("a.lab.test.", dns.TypeA), func(m *dns.Msg, _ string, _ int) *dns.Msg {
			return refusal(m, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
		}},
		{"127.0.0.3", q("a.lab.test.", dns.TypeA), func(*dns.Msg, string, int) *dns.Msg { return nil }},
		{"127.0.0.4", q("a.lab.test.", dns.TypeAAAA), func(m *dns.Msg, _ string, _ int) *dns.Msg {
			return refusal(m, dns.RcodeSuccess, dns.ExtendedErrorCodeFiltered)
		}},
		// Outside the view: the second block, with acl and whoami.
		{"127.0.0.9", q("a.lab.test.", dns.TypeTXT), func(m *dns.Msg, network string, port int) *dns.Msg {
			return whoamiReply(m, network, "127.0.0.9", port)
		}},
		{"127.0.0.10", q("a.lab.test.", dns.TypeTXT), func(m *dns.Msg, _ string, _ int) *dns.Msg {
			return refusal(m, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
		}},
		{"127.0.0.10", q("a.lab.test.", dns.TypeA), func(m *dns.Msg, network string, port int) *dns.Msg {
			return whoamiReply(m, network, "127.0.0.10", port)
		}},
		// The first rule has the last word before the second is consulted.
		{"127.0.0.10", q("x.deep.lab.test.", dns.TypeTXT), func(m *dns.Msg, _ string, _ int) *dns.Msg {
			return refusal(m, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
		}},
		{"127.0.0.9", q("x.deep.lab.test.", dns.TypeTXT), func(m *dns.Msg, network string, port int) *dns.Msg {
			return whoamiReply(m, network, "127.0.0.9", port)
		}},
	}
	for _, network := range []string{"udp", "tcp"} {
		addr := udp
		if network == "tcp" {
			addr = tcp
		}
		for _, tc := range tests {
			label := network + " " + tc.q.Question[0].Name + " " + dns.TypeToString[tc.q.Question[0].Qtype] + " from " + tc.src
			got, port := queryFrom(t, network, addr, tc.src, tc.q.Copy(), 300*time.Millisecond)
			checkWhole(t, label, got, tc.want(tc.q, network, port))
		}
	}

	// A refusal to a query with EDNS keeps the client's buffer size.
	m := q("a.lab.test.", dns.TypeA)
	m.SetEdns0(1232, false)
	got, _ := queryFrom(t, "udp", udp, "127.0.0.2", m, time.Second)
	want := refusal(m, dns.RcodeRefused, dns.ExtendedErrorCodeBlocked)
	want.IsEdns0().SetUDPSize(1232)
	checkWhole(t, "udp with EDNS", got, want)

	for _, c := range aclCounters {
		if got := counterValue(t, c.name, c.labels) - before[c.name+c.labels["view"]]; got != c.want {
			t.Errorf("%s%v went up by %v, want %v", c.name, c.labels, got, c.want)
		}
	}
}

// counterValue returns the value of the counter name with exactly labels
// in the default registry, 0 when there is none.
func counterValue(t *testing.T, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			if len(m.GetLabel()) != len(labels) {
				continue
			}
			for _, lp := range m.GetLabel() {
				if v, ok := labels[lp.GetName()]; !ok || v != lp.GetValue() {
					continue metric
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
