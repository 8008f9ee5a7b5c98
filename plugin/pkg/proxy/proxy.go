// Package proxy sends DNS queries to one upstream server over UDP, TCP, DNS
// over TLS or DNS over HTTPS. It caches connections to the upstream for
// reuse, and health checks the upstream in the background after a failure.
// The forward plugin builds on it.
package proxy

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/plugin/pkg/up"

	"github.com/prometheus/client_golang/prometheus"
)

var log = clog.NewWithPlugin("proxy")

// defaultReadTimeout bounds the wait for a reply to one query.
const defaultReadTimeout = 2 * time.Second

// Proxy is one upstream: its address, connection cache and health state.
type Proxy struct {
	fails uint32 // consecutive failed health checks; accessed atomically

	addr      string
	proxyName string
	protocol  string // transport.DNS, transport.TLS or transport.HTTPS

	transport   *Transport
	readTimeout time.Duration

	probe   *up.Probe
	health  HealthChecker
	checkFn up.Func

	// DNS over HTTPS.
	httpClient   *http.Client
	customClient bool // httpClient was given by SetHTTPClient
	dohMethod    string
	dohHost      string
	dohURL       string

	// Request duration observers per rcode, made on first use.
	durations [maxCachedRcode + 1]atomic.Pointer[observer]
}

// observer wraps a prometheus.Observer so it can be stored atomically.
type observer struct{ prometheus.Observer }

// maxCachedRcode is the highest rcode whose observer is cached.
const maxCachedRcode = 23

// NewProxy returns a Proxy for addr (host:port) reached with protocol, one of
// the transport constants. proxyName is the name of the plugin using it and
// labels its metrics.
func NewProxy(proxyName, addr, protocol string) *Proxy {
	p := &Proxy{
		addr:        addr,
		proxyName:   proxyName,
		protocol:    protocol,
		transport:   newTransport(proxyName, addr),
		readTimeout: defaultReadTimeout,
		probe:       up.New(),
		health:      NewHealthChecker(proxyName, protocol, true, "."),
		dohMethod:   http.MethodPost,
	}
	if protocol == transport.HTTPS {
		p.dohURL = "https://" + addr + dohPath
		p.httpClient = newDoHClient(nil)
	}
	p.checkFn = func() error { return p.health.Check(p) }
	return p
}

// Addr returns the address of the upstream, as host:port.
func (p *Proxy) Addr() string { return p.addr }

// SetTLSConfig makes the proxy and its health checks use TLS with cfg.
func (p *Proxy) SetTLSConfig(cfg *tls.Config) {
	p.transport.SetTLSConfig(cfg)
	if p.protocol == transport.HTTPS && !p.customClient {
		p.httpClient = newDoHClient(cfg)
	}
	if p.health != nil {
		p.health.SetTLSConfig(cfg)
	}
}

// SetExpire sets how long idle connections are kept.
func (p *Proxy) SetExpire(expire time.Duration) { p.transport.SetExpire(expire) }

// SetMaxAge sets the lifetime after which connections are not reused.
func (p *Proxy) SetMaxAge(maxAge time.Duration) { p.transport.SetMaxAge(maxAge) }

// SetMaxIdleConns limits the idle connections kept per protocol.
func (p *Proxy) SetMaxIdleConns(n int) { p.transport.SetMaxIdleConns(n) }

// SetHTTPClient sets the client used for DNS over HTTPS.
func (p *Proxy) SetHTTPClient(client *http.Client) {
	p.httpClient = client
	p.customClient = true
}

// SetDOHRequestOptions sets the HTTP method, GET or POST, of DNS over HTTPS
// requests.
func (p *Proxy) SetDOHRequestOptions(method string) {
	if method == http.MethodGet {
		p.dohMethod = http.MethodGet
		return
	}
	p.dohMethod = http.MethodPost
}

// SetDOHHost sets the HTTP host name of DNS over HTTPS requests; empty
// means the upstream address.
func (p *Proxy) SetDOHHost(host string) { p.dohHost = host }

// DoHHost returns the HTTP host name of DNS over HTTPS requests.
func (p *Proxy) DoHHost() string { return p.dohHost }

// GetHealthchecker returns the health checker of the proxy.
func (p *Proxy) GetHealthchecker() HealthChecker { return p.health }

// GetTransport returns the connection cache of the proxy.
func (p *Proxy) GetTransport() *Transport { return p.transport }

// Fails returns the number of consecutive failed health checks.
func (p *Proxy) Fails() uint32 { return atomic.LoadUint32(&p.fails) }

func (p *Proxy) incrementFails() { atomic.AddUint32(&p.fails, 1) }

// Healthcheck starts health checking the upstream in the background, unless
// that is already going on. Checks repeat until one succeeds.
func (p *Proxy) Healthcheck() {
	if p.health == nil {
		log.Warning("No healthchecker")
		return
	}
	p.probe.Do(p.checkFn)
}

// Down reports whether the upstream failed more than maxfails health checks
// in a row. With maxfails 0 it is never down.
func (p *Proxy) Down(maxfails uint32) bool {
	if maxfails == 0 {
		return false
	}
	return atomic.LoadUint32(&p.fails) > maxfails
}

// Start enables health checks, run every duration while failing, and starts
// the connection cache.
func (p *Proxy) Start(duration time.Duration) {
	p.probe.Start(duration)
	p.transport.Start()
}

// Stop ends health checking and closes the cached connections.
func (p *Proxy) Stop() {
	p.probe.Stop()
	p.transport.Stop()
}

// SetReadTimeout sets how long to wait for the reply to one query.
func (p *Proxy) SetReadTimeout(duration time.Duration) { p.readTimeout = duration }

// SetLocalAddress sets the source address of queries and health checks.
func (p *Proxy) SetLocalAddress(addr net.IP) {
	p.transport.SetLocalAddress(addr)
	if p.health != nil {
		p.health.SetLocalAddress(addr)
	}
}
