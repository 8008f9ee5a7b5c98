package test

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

func TestTempFile(t *testing.T) {
	dir := t.TempDir()
	name, rm, err := TempFile(dir, "example.org. IN A 192.0.2.1\n")
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(name) != dir {
		t.Errorf("file %s not in %s", name, dir)
	}
	data, err := os.ReadFile(name)
	if err != nil || string(data) != "example.org. IN A 192.0.2.1\n" {
		t.Errorf("content %q, %v", data, err)
	}
	rm()
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("file still there after remove: %v", err)
	}

	if _, _, err := TempFile(filepath.Join(dir, "missing"), "x"); err == nil {
		t.Error("no error for a missing directory")
	}
}

func TestWritePEMFiles(t *testing.T) {
	dir, err := WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatalf("key pair does not load: %v", err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("ca.pem holds no certificate")
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "example.org"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: name}); err != nil {
			t.Errorf("certificate does not verify for %s: %v", name, err)
		}
	}
}
