package test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testCert writes a self-signed certificate for 127.0.0.1 into a temporary
// directory and returns its files and a client config trusting it.
func testCert(t *testing.T) (certFile, keyFile string, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "coredns test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// checkWhoami checks a whoami answer to "example.org. A" from 127.0.0.1
// over proto.
func checkWhoami(t *testing.T, m *dns.Msg, proto string) {
	t.Helper()
	if m.Rcode != dns.RcodeSuccess || !m.Authoritative || len(m.Answer) != 0 || len(m.Extra) != 2 {
		t.Fatalf("unexpected answer:\n%s", m)
	}
	a, ok := m.Extra[0].(*dns.A)
	if !ok || a.Hdr.Name != "example.org." || !a.A.Equal(net.ParseIP("127.0.0.1")) {
		t.Errorf("first additional %v, want example.org. A 127.0.0.1", m.Extra[0])
	}
	srv, ok := m.Extra[1].(*dns.SRV)
	if !ok || srv.Hdr.Name != "_"+proto+".example.org." || srv.Port == 0 || srv.Target != "." {
		t.Errorf("second additional %v, want _%s.example.org. SRV with the client port", m.Extra[1], proto)
	}
}

func TestTLSServer(t *testing.T) {
	cert, key, client := testCert(t)
	corefile := `tls://.:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + `
		whoami
	}`
	_, tcp := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	c := &dns.Client{Net: "tcp-tls", TLSConfig: client, Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, tcp)
	if err != nil {
		t.Fatalf("query: %s", err)
	}
	if r.Id != m.Id {
		t.Errorf("id %d, want %d", r.Id, m.Id)
	}
	checkWhoami(t, r, "tcp")

	// Plain TCP must not be answered on a TLS port.
	plain := &dns.Client{Net: "tcp", Timeout: time.Second}
	if _, _, err := plain.Exchange(m, tcp); err == nil {
		t.Error("plain TCP query to a TLS server succeeded")
	}
}

func TestTLSServerWithoutCertificate(t *testing.T) {
	// Without a tls directive the server speaks plain TCP (TLS is done by a
	// proxy in front).
	corefile := `tls://.:0 {
		bind 127.0.0.1
		whoami
	}`
	_, tcp := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, tcp)
	if err != nil {
		t.Fatalf("query: %s", err)
	}
	checkWhoami(t, r, "tcp")
}

func TestTLSClientAuth(t *testing.T) {
	cert, key, client := testCert(t)
	corefile := `tls://.:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + ` ` + cert + ` {
			client_auth require_and_verify
		}
		whoami
	}`
	_, tcp := startServer(t, corefile)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	c := &dns.Client{Net: "tcp-tls", TLSConfig: client, Timeout: 2 * time.Second}
	if _, _, err := c.Exchange(m, tcp); err == nil {
		t.Fatal("query without a client certificate succeeded")
	}

	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	withCert := client.Clone()
	withCert.Certificates = []tls.Certificate{pair}
	c.TLSConfig = withCert
	r, _, err := c.Exchange(m, tcp)
	if err != nil {
		t.Fatalf("query with a client certificate: %s", err)
	}
	checkWhoami(t, r, "tcp")
}

func TestTLSBadCorefile(t *testing.T) {
	cert, key, _ := testCert(t)
	tests := []struct{ corefile, want string }{
		{"tls://.:0 {\n tls " + cert + "\n}", "Wrong argument count"},
		{"tls://.:0 {\n tls /nonexistent/cert.pem /nonexistent/key.pem\n}", "could not load TLS cert"},
		{"tls://.:0 {\n tls " + cert + " " + key + " {\n client_auth maybe\n }\n}", "unknown client_auth value"},
		{"tls://.:0 {\n tls " + cert + " " + key + " {\n foo\n }\n}", "unknown option"},
	}
	for _, tc := range tests {
		i, err := CoreDNSServer(tc.corefile)
		if err == nil {
			CoreDNSServerStop(i)
			t.Errorf("%q: expected an error", tc.corefile)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %q, want it to contain %q", tc.corefile, err, tc.want)
		}
	}
}
