package test

import (
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/caddy"
	grpcplugin "github.com/coredns/coredns/plugin/grpc"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// grpcBackend answers example.org. A from a template and NXDOMAIN for nx.test.
const grpcBackend = `
	template IN A nx.test {
		rcode NXDOMAIN
	}
	template IN A example.org {
		answer "{{ .Name }} 60 IN A 192.0.2.1"
	}
`

// freeTCPPort returns a loopback port that was free a moment ago.
func freeTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// dnsListener returns the UDP and TCP addresses of the first server of i
// that listens on UDP (the dns:// one, not the grpc:// one).
func dnsListener(t *testing.T, i *caddy.Instance) (string, string) {
	t.Helper()
	for k := range i.Servers() {
		if udp, tcp := CoreDNSServerPorts(i, k); udp != "" {
			return udp, tcp
		}
	}
	t.Fatal("no dns:// listener")
	return "", ""
}

// exchangeBoth sends m over UDP and TCP and returns the replies.
func exchangeBoth(t *testing.T, udp, tcp string, m *dns.Msg) map[string]*dns.Msg {
	t.Helper()
	out := map[string]*dns.Msg{}
	for proto, addr := range map[string]string{"udp": udp, "tcp": tcp} {
		c := &dns.Client{Net: proto, Timeout: 5 * time.Second}
		r, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%s %s: %s", proto, m.Question[0].Name, err)
		}
		out[proto] = r
	}
	return out
}

func TestGRPCForward(t *testing.T) {
	port := freeTCPPort(t)
	corefile := `grpc://.:` + port + ` {
		bind 127.0.0.1
		` + grpcBackend + `
	}
	.:0 {
		bind 127.0.0.1
		grpc . 127.0.0.1:` + port + `
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := dnsListener(t, i)

	cases := []test.Case{
		{Qname: "www.example.org.", Qtype: dns.TypeA, Authoritative: true,
			Answer: []dns.RR{test.A("www.example.org. 60 IN A 192.0.2.1")}},
		{Qname: "a.nx.test.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError, Authoritative: true},
		// The backend has nothing for TXT: its SERVFAIL is relayed.
		{Qname: "www.example.org.", Qtype: dns.TypeTXT, Rcode: dns.RcodeServerFailure},
	}
	for _, tc := range cases {
		for proto, r := range exchangeBoth(t, udp, tcp, tc.Msg()) {
			if err := test.SortAndCheck(r, tc); err != nil {
				t.Errorf("%s %s %s: %s", proto, tc.Qname, dns.TypeToString[tc.Qtype], err)
			}
		}
	}

	// Two answers of each rcode, one over UDP and one over TCP.
	to := "127.0.0.1:" + port
	if n := testutil.ToFloat64(grpcplugin.RequestCount.WithLabelValues(to)); n != 6 {
		t.Errorf("coredns_grpc_requests_total{to=%q} = %v, want 6", to, n)
	}
	for _, rc := range []string{"NOERROR", "NXDOMAIN", "SERVFAIL"} {
		if n := testutil.ToFloat64(grpcplugin.RcodeCount.WithLabelValues(rc, to)); n != 2 {
			t.Errorf("coredns_grpc_responses_total{rcode=%q,to=%q} = %v, want 2", rc, to, n)
		}
	}
}

func TestGRPCForwardExceptFallthrough(t *testing.T) {
	port := freeTCPPort(t)
	corefile := `grpc://.:` + port + ` {
		bind 127.0.0.1
		` + grpcBackend + `
	}
	.:0 {
		bind 127.0.0.1
		grpc . 127.0.0.1:` + port + ` {
			except skip.test
			fallthrough nx.test
			policy sequential
		}
		whoami
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer CoreDNSServerStop(i)
	udp, tcp := dnsListener(t, i)

	// Forwarded to the backend.
	tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Authoritative: true,
		Answer: []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")}}
	for proto, r := range exchangeBoth(t, udp, tcp, tc.Msg()) {
		if err := test.SortAndCheck(r, tc); err != nil {
			t.Errorf("%s: %s", proto, err)
		}
	}
	// Excepted names and NXDOMAIN answers in the fallthrough zone reach
	// whoami, which answers with our own address and port.
	for _, qname := range []string{"a.skip.test.", "a.nx.test."} {
		m := new(dns.Msg).SetQuestion(qname, dns.TypeA)
		for proto, r := range exchangeBoth(t, udp, tcp, m) {
			checkWhoamiName(t, r, qname, proto)
		}
	}
}

// checkWhoamiName checks a whoami reply for qname to a client on loopback.
func checkWhoamiName(t *testing.T, m *dns.Msg, qname, proto string) {
	t.Helper()
	if m.Rcode != dns.RcodeSuccess || !m.Authoritative || len(m.Answer) != 0 || len(m.Extra) != 2 {
		t.Fatalf("%s %s: want a whoami reply, got\n%s", proto, qname, m)
	}
	a, ok := m.Extra[0].(*dns.A)
	if !ok || a.Hdr.Name != qname || !a.A.Equal(net.ParseIP("127.0.0.1")) {
		t.Errorf("%s: first additional %v, want %s A 127.0.0.1", proto, m.Extra[0], qname)
	}
	srv, ok := m.Extra[1].(*dns.SRV)
	if !ok || srv.Hdr.Name != "_"+proto+"."+qname || srv.Port == 0 || srv.Target != "." {
		t.Errorf("%s: second additional %v, want _%s.%s SRV with the client port", proto, m.Extra[1], proto, qname)
	}
}

func TestGRPCForwardTLS(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	ca, cert, key := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")

	backend, err := CoreDNSServer(`grpc://.:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + `
		whoami
	}`)
	if err != nil {
		t.Fatalf("could not start backend: %s", err)
	}
	defer CoreDNSServerStop(backend)
	_, grpcAddr := CoreDNSServerPorts(backend, 0)

	// The certificate names 127.0.0.1 and example.org, not example.net.
	for _, tt := range []struct {
		name, block string
		ok          bool
	}{
		{"CA", "tls " + ca, true},
		{"CA and server name", "tls " + ca + "\ntls_servername example.org", true},
		{"client certificate", "tls " + cert + " " + key + " " + ca, true},
		{"wrong server name", "tls " + ca + "\ntls_servername example.net", false},
		{"system roots", "tls", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			i, udp, tcp, err := CoreDNSServerAndPorts(`.:0 {
				bind 127.0.0.1
				grpc . grpc://` + grpcAddr + ` {
					` + tt.block + `
				}
			}`)
			if err != nil {
				t.Fatalf("could not start server: %s", err)
			}
			defer CoreDNSServerStop(i)

			m := new(dns.Msg).SetQuestion("example.org.", dns.TypeA)
			for proto, r := range exchangeBoth(t, udp, tcp, m) {
				if !tt.ok {
					if r.Rcode != dns.RcodeServerFailure || len(r.Answer)+len(r.Extra) != 0 {
						t.Errorf("%s: want an empty SERVFAIL, got\n%s", proto, r)
					}
					continue
				}
				// The backend sees the gRPC connection of the forwarder.
				checkWhoamiName(t, r, "example.org.", "tcp")
			}
		})
	}
}
