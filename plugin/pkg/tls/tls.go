// Package tls builds crypto/tls configurations from the certificate, key
// and CA file arguments used in Corefiles.
package tls

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// setDefaults applies the protocol floor shared by every config made here.
func setDefaults(c *tls.Config) {
	c.MinVersion = tls.VersionTLS12
}

// NewTLSConfigFromArgs builds a config from up to three Corefile arguments:
//
//	(none)            client config trusting the system roots
//	CA                client config trusting CA
//	CERT KEY          config presenting CERT, trusting the system roots
//	CERT KEY CA       config presenting CERT, trusting CA (see NewTLSConfig)
func NewTLSConfigFromArgs(args ...string) (*tls.Config, error) {
	switch len(args) {
	case 0:
		return NewTLSClientConfig("")
	case 1:
		return NewTLSClientConfig(args[0])
	case 2:
		return NewTLSConfig(args[0], args[1], "")
	case 3:
		return NewTLSConfig(args[0], args[1], args[2])
	}
	return nil, fmt.Errorf("maximum of three arguments allowed for TLS config, found %d", len(args))
}

// NewTLSConfig returns a config that presents the certificate in certPath
// and keyPath. If caPath is set, its certificates are trusted both to verify
// servers (RootCAs) and, when client authentication is switched on by the
// caller, to verify clients (ClientCAs); otherwise the system roots are used.
func NewTLSConfig(certPath string, keyPath string, caPath string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, fmt.Errorf("could not load TLS cert: %w", err)
	}
	roots, err := loadRoots(caPath)
	if err != nil {
		return nil, err
	}
	c := &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: roots, ClientCAs: roots}
	setDefaults(c)
	return c, nil
}

// NewTLSClientConfig returns a client config that trusts the certificates
// in caPath, or the system roots when caPath is empty.
func NewTLSClientConfig(caPath string) (*tls.Config, error) {
	roots, err := loadRoots(caPath)
	if err != nil {
		return nil, err
	}
	c := &tls.Config{RootCAs: roots}
	setDefaults(c)
	return c, nil
}

// loadRoots reads a PEM bundle; an empty path means the system roots, which
// crypto/tls uses when the pool is nil.
func loadRoots(caPath string) (*x509.CertPool, error) {
	if caPath == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caPath)
	if err != nil {
		return nil, fmt.Errorf("error reading CA file %s: %w", caPath, err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificates found in CA file %s", caPath)
	}
	return roots, nil
}

// NewHTTPSTransport returns an HTTP transport, for DNS over HTTPS, that uses
// cc for TLS, honours proxy environment variables and has bounded dial and
// handshake times.
func NewHTTPSTransport(cc *tls.Config) *http.Transport {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         dialer.DialContext,
		TLSClientConfig:     cc,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 25,
		IdleConnTimeout:     90 * time.Second,
	}
}
