package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeCert writes a self signed CA certificate and its key to dir and
// returns their paths.
func writeCert(t *testing.T, dir string) (certPath, keyPath string) {
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
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPath = filepath.Join(dir, "cert.pem")
	keyPath = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

func TestNewTLSConfigFromArgs(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir)
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o600)
	missing := filepath.Join(dir, "missing.pem")

	tests := []struct {
		name      string
		args      []string
		wantErr   bool
		wantCert  bool
		wantRoots bool
	}{
		{"system roots", nil, false, false, false},
		{"ca only", []string{cert}, false, false, true},
		{"cert and key", []string{cert, key}, false, true, false},
		{"cert key ca", []string{cert, key, cert}, false, true, true},
		{"too many", []string{cert, key, cert, "x"}, true, false, false},
		{"missing ca", []string{missing}, true, false, false},
		{"junk ca", []string{junk}, true, false, false},
		{"missing key", []string{cert, missing}, true, false, false},
		{"swapped cert and key", []string{key, cert}, true, false, false},
		{"bad ca with cert", []string{cert, key, junk}, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewTLSConfigFromArgs(tc.args...)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if c.MinVersion != tls.VersionTLS12 {
				t.Errorf("MinVersion = %x, want TLS 1.2", c.MinVersion)
			}
			if got := len(c.Certificates) == 1; got != tc.wantCert {
				t.Errorf("has certificate = %v, want %v", got, tc.wantCert)
			}
			if got := c.RootCAs != nil; got != tc.wantRoots {
				t.Errorf("has RootCAs = %v, want %v", got, tc.wantRoots)
			}
			if tc.wantCert && c.ClientCAs != c.RootCAs {
				t.Error("ClientCAs differs from RootCAs")
			}
		})
	}
}

func TestNewHTTPSTransport(t *testing.T) {
	cc, err := NewTLSClientConfig("")
	if err != nil {
		t.Fatal(err)
	}
	tr := NewHTTPSTransport(cc)
	if tr.TLSClientConfig != cc {
		t.Error("transport does not use the given TLS config")
	}
	if tr.TLSHandshakeTimeout == 0 || tr.DialContext == nil || tr.Proxy == nil {
		t.Errorf("transport lacks timeouts or proxy support: %+v", tr)
	}
}
