package test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// tlsUpstream is a DNS over TLS server started inside a test. It answers
// every A query with 192.0.2.53 and counts TLS handshakes, one per
// connection a client opens.
type tlsUpstream struct {
	addr       string
	handshakes atomic.Int32
}

// startTLSUpstream starts a "tcp-tls" miekg server with the test certificate
// in dir. With clientAuth it requires a client certificate signed by the
// test CA.
func startTLSUpstream(t *testing.T, dir string, clientAuth bool) *tlsUpstream {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)

	u := &tlsUpstream{}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientCAs:    pool,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			u.handshakes.Add(1)
			return nil, nil
		},
	}
	if clientAuth {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}

	started := make(chan struct{})
	srv := &dns.Server{
		Addr:              "127.0.0.1:0",
		Net:               "tcp-tls",
		TLSConfig:         cfg,
		NotifyStartedFunc: func() { close(started) },
		Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
			m := new(dns.Msg)
			m.SetReply(r)
			if r.Question[0].Qtype == dns.TypeA {
				m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A 192.0.2.53")}
			}
			w.WriteMsg(m) //nolint:errcheck // test server
		}),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case <-started:
	case err := <-errc:
		t.Fatalf("TLS upstream: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("TLS upstream did not start")
	}
	t.Cleanup(func() { srv.Shutdown() }) //nolint:errcheck // test server
	u.addr = srv.Listener.Addr().String()
	return u
}

// startTLSForward starts a front server forwarding to u with the given
// forward block body and returns its UDP and TCP addresses.
func startTLSForward(t *testing.T, u *tlsUpstream, block string) (udp, tcp string) {
	t.Helper()
	corefile := fmt.Sprintf(`.:0 {
    bind 127.0.0.1
    forward . tls://%s {
%s
    }
}
`, u.addr, block)
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start CoreDNS: %v\n%s", err, corefile)
	}
	t.Cleanup(func() { CoreDNSServerStop(i) })
	return udp, tcp
}

func tlsAnswer(qname string) test.Case {
	return test.Case{
		Qname: qname, Qtype: dns.TypeA,
		Answer: []dns.RR{test.A(qname + " 300 IN A 192.0.2.53")},
	}
}

func TestForwardTLSUpstream(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, ca := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")

	tests := []struct {
		name       string
		clientAuth bool   // the upstream requires a client certificate
		block      string // body of the forward block
		ok         bool
	}{
		{"cert key ca, servername", true, "tls " + cert + " " + key + " " + ca + "\ntls_servername example.org", true},
		{"ca, servername", false, "tls " + ca + "\ntls_servername example.org", true},
		{"ca, servername before tls", false, "tls_servername coredns.io\ntls " + ca, true},
		{"ca, address checked", false, "tls " + ca, true},
		{"ca, wrong servername", false, "tls " + ca + "\ntls_servername wrong.example.net", false},
		{"system roots", false, "tls\ntls_servername example.org", false},
		{"no client cert", true, "tls " + ca + "\ntls_servername example.org", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := startTLSUpstream(t, dir, tc.clientAuth)
			udp, tcp := startTLSForward(t, u, tc.block+"\nmax_fails 0")

			for k, qname := range []string{"a.example.org.", "b.example.org.", "c.example.com.", "d.example.net."} {
				net, addr := "udp", udp
				if k%2 == 1 {
					net, addr = "tcp", tcp
				}
				m := new(dns.Msg)
				m.SetQuestion(qname, dns.TypeA)
				r := exchange(t, net, addr, m)
				want := tlsAnswer(qname)
				if !tc.ok {
					want = test.Case{Qname: qname, Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure}
				}
				if err := test.SortAndCheck(r, want); err != nil {
					t.Errorf("%s %s: %v", net, qname, err)
				}
				if r.Id != m.Id {
					t.Errorf("%s %s: reply ID %d, want %d", net, qname, r.Id, m.Id)
				}
			}
			// Queries one after the other share one cached TLS connection.
			if h := u.handshakes.Load(); tc.ok && h != 1 {
				t.Errorf("%d TLS connections for 4 queries, want 1", h)
			}
		})
	}
}

func TestForwardTLSExpire(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	u := startTLSUpstream(t, dir, false)
	udp, _ := startTLSForward(t, u, "tls "+filepath.Join(dir, "ca.pem")+"\ntls_servername example.org\nexpire 200ms")

	query := func(qname string) {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion(qname, dns.TypeA)
		if err := test.SortAndCheck(exchange(t, "udp", udp, m), tlsAnswer(qname)); err != nil {
			t.Error(err)
		}
	}
	query("a.example.org.")
	query("b.example.org.")
	if h := u.handshakes.Load(); h != 1 {
		t.Fatalf("%d TLS connections within expire, want 1", h)
	}
	// Idle past expire: the cached connection is not used again.
	time.Sleep(400 * time.Millisecond)
	query("c.example.org.")
	if h := u.handshakes.Load(); h != 2 {
		t.Errorf("%d TLS connections after expire, want 2", h)
	}
}
