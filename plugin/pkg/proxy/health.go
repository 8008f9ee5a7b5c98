package proxy

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
)

// HealthChecker checks whether an upstream answers at all.
type HealthChecker interface {
	// Check sends one health check query to p; a failure counts towards
	// p being down, a success clears the count.
	Check(*Proxy) error
	SetTLSConfig(*tls.Config)
	GetTLSConfig() *tls.Config
	SetRecursionDesired(bool)
	GetRecursionDesired() bool
	SetDomain(domain string)
	GetDomain() string
	SetTCPTransport()
	GetReadTimeout() time.Duration
	SetReadTimeout(time.Duration)
	GetWriteTimeout() time.Duration
	SetWriteTimeout(time.Duration)
	SetLocalAddress(net.IP)
	GetLocalAddress() net.IP
}

// Default timeouts of a health check query.
const (
	hcReadTimeout  = 1 * time.Second
	hcWriteTimeout = 1 * time.Second
)

// dnsHc checks an upstream with an "<domain> IN NS" query over the
// upstream's own transport. Any reply, whatever its rcode, means healthy.
type dnsHc struct {
	mu               sync.Mutex
	c                *dns.Client
	recursionDesired bool
	domain           string
	proxyName        string
	localAddr        net.IP
	doh              bool // send over DNS over HTTPS through the proxy
}

// NewHealthChecker returns a health checker for upstreams of protocol (one
// of the transport constants), or nil for a protocol it cannot check.
func NewHealthChecker(proxyName, protocol string, recursionDesired bool, domain string) HealthChecker {
	h := &dnsHc{
		c:                &dns.Client{Net: "udp", ReadTimeout: hcReadTimeout, WriteTimeout: hcWriteTimeout},
		recursionDesired: recursionDesired,
		domain:           dns.Fqdn(domain),
		proxyName:        proxyName,
	}
	switch protocol {
	case transport.DNS:
	case transport.TLS:
		h.c.Net = "tcp-tls"
	case transport.HTTPS:
		h.doh = true
	default:
		log.Warningf("No healthchecker for transport %q", protocol)
		return nil
	}
	return h
}

// Check implements HealthChecker.
func (h *dnsHc) Check(p *Proxy) error {
	if err := h.send(p); err != nil {
		healthcheckFailureCount.WithLabelValues(h.proxyName, p.addr).Inc()
		p.incrementFails()
		return err
	}
	atomic.StoreUint32(&p.fails, 0)
	return nil
}

// send does one health check query.
func (h *dnsHc) send(p *Proxy) error {
	h.mu.Lock()
	m := new(dns.Msg)
	m.SetQuestion(h.domain, dns.TypeNS)
	m.RecursionDesired = h.recursionDesired
	c := *h.c
	doh := h.doh
	h.mu.Unlock()

	if doh {
		ctx, cancel := context.WithTimeout(context.Background(), c.ReadTimeout+c.WriteTimeout)
		defer cancel()
		_, err := p.exchangeDoH(ctx, m)
		return err
	}
	_, _, err := c.Exchange(m, p.addr)
	return err
}

// updateDialer sets the dialer for the source address, matching the network.
// h.mu must be held.
func (h *dnsHc) updateDialer() {
	if h.localAddr == nil {
		h.c.Dialer = nil
		return
	}
	d := &net.Dialer{Timeout: h.c.ReadTimeout}
	if h.c.Net == "udp" {
		d.LocalAddr = &net.UDPAddr{IP: h.localAddr}
	} else {
		d.LocalAddr = &net.TCPAddr{IP: h.localAddr}
	}
	h.c.Dialer = d
}

// SetTLSConfig makes health checks use DNS over TLS with cfg.
func (h *dnsHc) SetTLSConfig(cfg *tls.Config) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.doh {
		h.c.Net = "tcp-tls"
	}
	h.c.TLSConfig = cfg
	h.updateDialer()
}

// GetTLSConfig returns the TLS configuration of health checks.
func (h *dnsHc) GetTLSConfig() *tls.Config {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c.TLSConfig
}

// SetRecursionDesired sets the RD bit of health check queries.
func (h *dnsHc) SetRecursionDesired(rd bool) {
	h.mu.Lock()
	h.recursionDesired = rd
	h.mu.Unlock()
}

// GetRecursionDesired returns the RD bit of health check queries.
func (h *dnsHc) GetRecursionDesired() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.recursionDesired
}

// SetDomain sets the name health check queries ask for.
func (h *dnsHc) SetDomain(domain string) {
	h.mu.Lock()
	h.domain = dns.Fqdn(domain)
	h.mu.Unlock()
}

// GetDomain returns the name health check queries ask for.
func (h *dnsHc) GetDomain() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.domain
}

// SetTCPTransport makes plain DNS health checks use TCP.
func (h *dnsHc) SetTCPTransport() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.c.Net == "udp" {
		h.c.Net = "tcp"
		h.updateDialer()
	}
}

// GetReadTimeout returns the read timeout of health check queries.
func (h *dnsHc) GetReadTimeout() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c.ReadTimeout
}

// SetReadTimeout sets the read timeout of health check queries.
func (h *dnsHc) SetReadTimeout(t time.Duration) {
	h.mu.Lock()
	h.c.ReadTimeout = t
	h.updateDialer()
	h.mu.Unlock()
}

// GetWriteTimeout returns the write timeout of health check queries.
func (h *dnsHc) GetWriteTimeout() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.c.WriteTimeout
}

// SetWriteTimeout sets the write timeout of health check queries.
func (h *dnsHc) SetWriteTimeout(t time.Duration) {
	h.mu.Lock()
	h.c.WriteTimeout = t
	h.mu.Unlock()
}

// SetLocalAddress sets the source address of health check queries.
func (h *dnsHc) SetLocalAddress(ip net.IP) {
	h.mu.Lock()
	h.localAddr = ip
	h.updateDialer()
	h.mu.Unlock()
}

// GetLocalAddress returns the source address of health check queries.
func (h *dnsHc) GetLocalAddress() net.IP {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.localAddr
}
