package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	ctls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
)

func writeCert(t *testing.T) (dir, cert, key string) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(k)
	dir = t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return dir, cert, key
}

func TestSetup(t *testing.T) {
	_, cert, key := writeCert(t)
	tests := []struct {
		input    string
		wantAuth ctls.ClientAuthType
		wantCA   bool
		wantErr  string
	}{
		{"tls " + cert + " " + key, ctls.NoClientCert, false, ""},
		{"tls " + cert + " " + key + " " + cert, ctls.NoClientCert, true, ""},
		{"tls " + cert + " " + key + " {\nclient_auth nocert\n}", ctls.NoClientCert, false, ""},
		{"tls " + cert + " " + key + " {\nclient_auth request\n}", ctls.RequestClientCert, false, ""},
		{"tls " + cert + " " + key + " {\nclient_auth require\n}", ctls.RequireAnyClientCert, false, ""},
		{"tls " + cert + " " + key + " " + cert + " {\nclient_auth verify_if_given\n}", ctls.VerifyClientCertIfGiven, true, ""},
		{"tls " + cert + " " + key + " " + cert + " {\nclient_auth require_and_verify\n}", ctls.RequireAndVerifyClientCert, true, ""},
		{"tls", 0, false, "Wrong argument count"},
		{"tls " + cert, 0, false, "Wrong argument count"},
		{"tls " + cert + " " + key + " " + cert + " extra", 0, false, "Wrong argument count"},
		{"tls " + cert + " " + key + " {\nclient_auth\n}", 0, false, "Wrong argument count"},
		{"tls " + cert + " " + key + " {\nclient_auth sometimes\n}", 0, false, "unknown client_auth value"},
		{"tls " + cert + " " + key + " {\nverify yes\n}", 0, false, "unknown option"},
		{"tls /nonexistent.pem /nonexistent.key", 0, false, "could not load TLS cert"},
		{"tls " + cert + " " + key + " /nonexistent.ca", 0, false, "error reading CA file"},
		{"tls " + cert + " " + key + "\ntls " + cert + " " + key, 0, false, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		err := setup(c)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: error %v, want %q", tc.input, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.input, err)
			continue
		}
		tc2 := dnsserver.GetConfig(c).TLSConfig
		if tc2 == nil || len(tc2.Certificates) != 1 {
			t.Fatalf("%q: no certificate configured", tc.input)
		}
		if tc2.ClientAuth != tc.wantAuth {
			t.Errorf("%q: client auth %v, want %v", tc.input, tc2.ClientAuth, tc.wantAuth)
		}
		if (tc2.ClientCAs != nil) != tc.wantCA {
			t.Errorf("%q: client CAs set %v, want %v", tc.input, tc2.ClientCAs != nil, tc.wantCA)
		}
	}
}

func TestSetupRoot(t *testing.T) {
	dir, _, _ := writeCert(t)
	c := caddy.NewTestController("dns", "tls cert.pem key.pem")
	dnsserver.GetConfig(c).Root = dir
	if err := setup(c); err != nil {
		t.Fatalf("relative names under root: %v", err)
	}
}

func TestSetupTwice(t *testing.T) {
	_, cert, key := writeCert(t)
	c := caddy.NewTestController("dns", "tls "+cert+" "+key)
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	c = caddy.NewTestController("dns", "tls "+cert+" "+key)
	dnsserver.GetConfig(c).TLSConfig = &ctls.Config{}
	if err := setup(c); err == nil || !strings.Contains(err.Error(), "already configured") {
		t.Errorf("error %v, want already configured", err)
	}
}
