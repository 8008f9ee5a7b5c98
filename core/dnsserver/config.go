package dnsserver

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	proxyproto "github.com/pires/go-proxyproto"
)

// Config is the configuration of one zone of a server block: what it listens
// on and the plugins that answer it.
type Config struct {
	// Zone is the zone this configuration is for, e.g. "example.org.".
	Zone string

	// ListenHosts are the addresses to bind; "" means all interfaces.
	ListenHosts []string

	// Port to listen on.
	Port string

	// NumSockets is how many sockets to open per address (multisocket).
	NumSockets int

	// Root is the base directory for relative file names.
	Root string

	// Debug disables panic recovery and enables debug logging.
	Debug bool

	// Stacktrace logs the stack of a recovered panic.
	Stacktrace bool

	// Transport is how queries arrive: dns, tls, grpc, https, https3 or quic.
	Transport string

	// HTTPRequestValidateFunc checks DoH requests.
	HTTPRequestValidateFunc func(*http.Request) bool

	// UDPDecorateWriterFunc, when set, wraps the UDP response writer.
	UDPDecorateWriterFunc func(*Server) dns.DecorateWriter

	// FilterFuncs must all return true for a query to be served by this
	// configuration; views add them.
	FilterFuncs []FilterFunc

	// ViewName is the name of the view of this configuration, if any.
	ViewName string

	// TLSConfig is used by the encrypted transports.
	TLSConfig *tls.Config

	// Limits for DNS over QUIC.
	MaxQUICStreams        *int
	MaxQUICConnections    *int
	MaxQUICWorkerPoolSize *int

	// PROXY protocol settings.
	ProxyProtoConnPolicy                    proxyproto.ConnPolicyFunc
	ProxyProtoUDPSessionTrackingTTL         time.Duration
	ProxyProtoUDPSessionTrackingMaxSessions int

	// Limits for DNS over gRPC.
	MaxGRPCStreams     *int
	MaxGRPCConnections *int

	// Limits for DNS over HTTPS.
	MaxHTTPSConnections  *int
	MaxHTTPS3Streams     *int
	MaxHTTPS3Connections *int

	// Timeouts for TCP-based transports.
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration

	// MaxTCPQueries limits the queries on one TCP connection (nil: no limit).
	MaxTCPQueries *int

	// TsigSecret maps key names to base64 secrets.
	TsigSecret map[string]string

	// Plugin holds the plugins in the order their setup added them; the
	// first one runs first.
	Plugin []plugin.Plugin

	// pluginChain is the compiled chain, built by NewServer.
	pluginChain plugin.Handler

	// registry maps plugin name to its handler, for Handler.
	registry map[string]plugin.Handler

	// metaCollector is the metadata plugin, when configured.
	metaCollector MetadataCollector

	// firstConfigInBlock is the configuration of the block's first key,
	// which setup functions write to.
	firstConfigInBlock *Config

	// where is the Corefile position of the server block ("file:line", or
	// just "file" for a block without directives), for error messages.
	where string
}

// FilterFunc decides whether a configuration serves a query.
type FilterFunc func(context.Context, *request.Request) bool

// MetadataCollector is implemented by the metadata plugin; the server calls
// Collect before running the chain.
type MetadataCollector interface {
	Collect(context.Context, request.Request) context.Context
}

// Viewer is implemented by plugins that select server blocks per query.
type Viewer interface {
	Filter(ctx context.Context, req *request.Request) bool
	ViewName() string
}

// keyForConfig is how configurations are found from a controller.
func keyForConfig(blocIndex, blocKeyIndex int) string {
	return fmt.Sprintf("%d:%d", blocIndex, blocKeyIndex)
}

// GetConfig returns the configuration of the server block c is set up for.
// Setup functions use it to add plugins and options.
func GetConfig(c *caddy.Controller) *Config {
	ctx, ok := c.Context().(*dnsContext)
	if !ok || ctx == nil {
		return &Config{ListenHosts: []string{""}}
	}
	key := keyForConfig(c.ServerBlockIndex, c.ServerBlockKeyIndex)
	if cfg, ok := ctx.keysToConfigs[key]; ok {
		return cfg
	}
	// Only reached in tests that set up a plugin without parsing a Corefile.
	cfg := &Config{ListenHosts: []string{""}}
	ctx.saveConfig(key, cfg)
	return cfg
}

// AddPlugin appends a plugin to the chain of c.
func (c *Config) AddPlugin(m plugin.Plugin) {
	c.Plugin = append(c.Plugin, m)
}

// registerHandler records h under its name.
func (c *Config) registerHandler(h plugin.Handler) {
	if c.registry == nil {
		c.registry = make(map[string]plugin.Handler)
	}
	c.registry[h.Name()] = h
}

// Handler returns the handler of the named plugin in this configuration's
// chain, or nil. It is valid once the servers are built (OnStartup).
func (c *Config) Handler(name string) plugin.Handler {
	if c.registry == nil {
		return nil
	}
	return c.registry[name]
}

// Handlers returns every handler of this configuration's chain.
func (c *Config) Handlers() []plugin.Handler {
	hs := make([]plugin.Handler, 0, len(c.registry))
	for _, h := range c.registry {
		hs = append(hs, h)
	}
	return hs
}

// AddPluginToAllServerBlocks adds m to every server block's configuration.
func AddPluginToAllServerBlocks(c *caddy.Controller, m plugin.Plugin) {
	ctx, ok := c.Context().(*dnsContext)
	if !ok {
		return
	}
	for _, cfg := range ctx.configs {
		if cfg.firstConfigInBlock == nil || cfg.firstConfigInBlock == cfg {
			cfg.AddPlugin(m)
		}
	}
}
