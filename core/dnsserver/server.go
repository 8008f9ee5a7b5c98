package dnsserver

import (
	"context"
	"net"
	"runtime/debug"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/edns"
	"github.com/coredns/coredns/plugin/pkg/log"
	ppkt "github.com/coredns/coredns/plugin/pkg/proxyproto"
	"github.com/coredns/coredns/plugin/pkg/rcode"
	"github.com/coredns/coredns/plugin/pkg/reuseport"
	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	opentracing "github.com/opentracing/opentracing-go"
	proxyproto "github.com/pires/go-proxyproto"
)

// Server answers DNS over UDP and TCP on one address for every zone
// configured there.
type Server struct {
	Addr string // "transport://host:port"

	IdleTimeout   time.Duration
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	MaxTCPQueries int

	server [2]*dns.Server // tcp; udp is served by udp
	tcpLn  *drainListener // what server[tcp] accepts from

	udpDecorate func(*Server) dns.DecorateWriter // UDPDecorateWriterFunc of the first config that has one
	udp         *udpServer
	m           sync.Mutex

	zones        map[string][]*Config // zone -> configs, views first
	zoneLen      [256]bool            // lengths of the zones' names, to skip lookups that cannot match
	graceTimeout time.Duration
	trace        tracer
	debug        bool
	stacktrace   bool
	classChaos   bool // serve classes other than IN
	tsigSecret   map[string]string

	// PROXY protocol (proxyproto plugin); nil policy: off.
	connPolicy      proxyproto.ConnPolicyFunc
	proxySessionTTL time.Duration
	proxySessionMax int
	extraSocket     bool // one of multisocket's extra servers: no banner
}

// tracer is what the trace plugin offers the server.
type tracer interface {
	plugin.Handler
	Tracer() opentracing.Tracer
}

const (
	tcp = 0
	udp = 1

	// maxReentries bounds how often a query may re-enter ServeDNS through
	// plugins that resolve via the server itself.
	maxReentries = 10
)

// EnableChaos lists the plugins that make a server answer classes other than
// IN (CH in particular).
var EnableChaos = map[string]struct{}{
	"chaos":   {},
	"forward": {},
	"proxy":   {},
}

// Key is the context key under which the *Server is stored.
type Key struct{}

// LoopKey is the context key of the re-entry counter.
type LoopKey struct{}

// ViewKey is the context key of the name of the view serving the query.
type ViewKey struct{}

// NewServer builds a server for addr from the configs in group: one compiled
// plugin chain per zone.
func NewServer(addr string, group []*Config) (*Server, error) {
	s := &Server{
		Addr:         addr,
		zones:        make(map[string][]*Config),
		graceTimeout: 5 * time.Second,
		IdleTimeout:  10 * time.Second,
		ReadTimeout:  3 * time.Second,
		WriteTimeout: 5 * time.Second,
		tsigSecret:   make(map[string]string),
	}
	if GracefulTimeout > 0 {
		s.graceTimeout = GracefulTimeout
	}
	for _, site := range group {
		if site.Debug {
			s.debug = true
			log.D.Set()
		}
		s.stacktrace = s.stacktrace || site.Stacktrace
		if s.udpDecorate == nil {
			s.udpDecorate = site.UDPDecorateWriterFunc // the first block's that sets one
		}
		s.zones[site.Zone] = append(s.zones[site.Zone], site)
		if len(site.Zone) < len(s.zoneLen) {
			s.zoneLen[len(site.Zone)] = true
		}
		if site.ReadTimeout > 0 {
			s.ReadTimeout = site.ReadTimeout
		}
		if site.WriteTimeout > 0 {
			s.WriteTimeout = site.WriteTimeout
		}
		if site.IdleTimeout > 0 {
			s.IdleTimeout = site.IdleTimeout
		}
		if site.MaxTCPQueries != nil {
			s.MaxTCPQueries = *site.MaxTCPQueries
		}
		for k, v := range site.TsigSecret {
			s.tsigSecret[k] = v
		}
		if site.ProxyProtoConnPolicy != nil && s.connPolicy == nil {
			s.connPolicy = site.ProxyProtoConnPolicy
			s.proxySessionTTL = site.ProxyProtoUDPSessionTrackingTTL
			s.proxySessionMax = site.ProxyProtoUDPSessionTrackingMaxSessions
		}

		var stack plugin.Handler
		for i := len(site.Plugin) - 1; i >= 0; i-- {
			stack = site.Plugin[i](stack)
			site.registerHandler(stack)
			if mdc, ok := stack.(MetadataCollector); ok {
				site.metaCollector = mdc
			}
			if t, ok := stack.(tracer); ok && stack.Name() == "trace" && s.trace == nil {
				s.trace = t
			}
			if _, ok := EnableChaos[stack.Name()]; ok {
				s.classChaos = true
			}
		}
		site.pluginChain = stack
	}
	if !s.debug {
		log.D.Clear()
	}
	return s, nil
}

// handler returns the miekg/dns handler that feeds queries into ServeDNS.
func (s *Server) handler() dns.Handler {
	return dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		s.ServeDNS(context.Background(), w, r)
	})
}

// Serve answers DNS over TCP on l until Stop.
func (s *Server) Serve(l net.Listener) error {
	s.m.Lock()
	s.tcpLn = &drainListener{Listener: l}
	s.server[tcp] = &dns.Server{
		Listener:      s.tcpLn,
		Net:           "tcp",
		Handler:       s.handler(),
		TsigSecret:    s.tsigSecret,
		MaxTCPQueries: s.MaxTCPQueries,
		ReadTimeout:   s.ReadTimeout,
		WriteTimeout:  s.WriteTimeout,
		IdleTimeout:   func() time.Duration { return s.IdleTimeout },
	}
	srv := s.server[tcp]
	s.m.Unlock()
	return srv.ActivateAndServe()
}

// ServePacket answers DNS over UDP on p until Stop.
func (s *Server) ServePacket(p net.PacketConn) error {
	s.m.Lock()
	var decorate dns.DecorateWriter
	if s.udpDecorate != nil {
		decorate = s.udpDecorate(s)
	}
	s.udp = newUDPServer(s.wrapPacketConn(p), s.handler(), decorate, s.tsigSecret)
	u := s.udp
	s.m.Unlock()
	return u.serve()
}

// listenAddr strips the transport prefix from Addr.
func (s *Server) listenAddr() string {
	return s.Addr[len(transport.DNS+"://"):]
}

// Listen opens the TCP listener.
func (s *Server) Listen() (net.Listener, error) {
	l, err := reuseport.Listen("tcp", s.listenAddr())
	if err != nil {
		return nil, err
	}
	return s.WrapListener(l), nil
}

// WrapListener makes ln read PROXY protocol headers when the proxyproto
// plugin is configured, and returns it unchanged otherwise. Caddy calls it
// for listeners inherited over a reload, which may be nil.
func (s *Server) WrapListener(ln net.Listener) net.Listener {
	if ln == nil || s.connPolicy == nil {
		return ln
	}
	if _, ok := ln.(*proxyproto.Listener); ok {
		return ln
	}
	return &proxyproto.Listener{Listener: ln, ConnPolicy: s.connPolicy}
}

// wrapPacketConn makes p read PROXY protocol headers when the proxyproto
// plugin is configured. It is done when serving rather than in ListenPacket
// so that a socket inherited over a reload is wrapped too, and so that the
// plain *net.UDPConn stays reusable by the next instance.
func (s *Server) wrapPacketConn(p net.PacketConn) net.PacketConn {
	if p == nil || s.connPolicy == nil {
		return p
	}
	if _, ok := p.(*ppkt.PacketConn); ok {
		return p
	}
	return &ppkt.PacketConn{
		PacketConn:                    p,
		ConnPolicy:                    s.connPolicy,
		UDPSessionTrackingTTL:         s.proxySessionTTL,
		UDPSessionTrackingMaxSessions: s.proxySessionMax,
	}
}

// ListenPacket opens the UDP socket.
func (s *Server) ListenPacket() (net.PacketConn, error) {
	return reuseport.ListenPacket("udp", s.listenAddr())
}

// Stop shuts the server down, waiting up to the graceful timeout for queries
// in flight.
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), s.graceTimeout)
	defer cancel()
	var wg sync.WaitGroup
	s.m.Lock()
	if s.udp != nil {
		wg.Add(1)
		go func(u *udpServer) {
			defer wg.Done()
			u.stop(ctx) //nolint:errcheck // best effort at shutdown
		}(s.udp)
	}
	for k, srv := range s.server {
		if srv == nil {
			continue
		}
		var ln *drainListener
		if k == tcp {
			ln = s.tcpLn
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ln != nil {
				// Stop accepting, and let what was accepted be read.
				ln.drain()
			}
			srv.ShutdownContext(ctx) //nolint:errcheck // best effort at shutdown
		}()
	}
	s.m.Unlock()
	wg.Wait()
	return ctx.Err()
}

// Address returns the address the server listens on.
func (s *Server) Address() string { return s.Addr }

// Tracer returns the tracer of the trace plugin, or nil.
func (s *Server) Tracer() opentracing.Tracer {
	if s.trace == nil {
		return nil
	}
	return s.trace.Tracer()
}

// serverContext carries the server, the re-entry count and the view in one
// allocation instead of a chain of context.WithValue.
type serverContext struct {
	context.Context
	srv     *Server
	loop    int
	view    string
	hasView bool
}

// Value answers Key, LoopKey and ViewKey and defers everything else.
func (c *serverContext) Value(key any) any {
	switch key.(type) {
	case Key:
		return c.srv
	case LoopKey:
		return c.loop
	case ViewKey:
		if c.hasView {
			return c.view
		}
	}
	return c.Context.Value(key)
}

// ServeDNS answers one query: it checks the class and EDNS version, finds the
// most specific zone, and runs that zone's plugin chain.
func (s *Server) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) {
	if !s.debug {
		defer s.recoverPanic(w, r)
	}
	if len(r.Question) == 0 {
		errorFunc(s.Addr, w, r, dns.RcodeServerFailure)
		return
	}
	if !s.classChaos && r.Question[0].Qclass != dns.ClassINET {
		errorFunc(s.Addr, w, r, dns.RcodeRefused)
		return
	}
	if m, err := edns.Version(r); err != nil {
		w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
		return
	}

	loop := 0
	if v, ok := ctx.Value(LoopKey{}).(int); ok {
		loop = v
	}
	if loop > maxReentries {
		errorFunc(s.Addr, w, r, dns.RcodeServerFailure)
		return
	}

	w = request.NewScrubWriter(r, w)

	var lower [256]byte
	q := lowerName(lower[:0], r.Question[0].Name)
	isDS := r.Question[0].Qtype == dns.TypeDS
	var dsConfigs []*Config
	off, end := 0, false
	for !end {
		if n := len(q) - off; n < len(s.zoneLen) && !s.zoneLen[n] {
			// No zone has a name this long: skip the map lookup.
		} else if configs, ok := s.zones[string(q[off:])]; ok {
			if !isDS {
				if s.serve(ctx, loop, configs, w, r) {
					return
				}
			} else {
				// DS lives on the parent side of a cut: keep looking upwards
				// and use the closest enclosing zone found last.
				dsConfigs = configs
			}
		}
		off, end = dns.NextLabel(string(q), off)
	}
	if dsConfigs != nil && s.serve(ctx, loop, dsConfigs, w, r) {
		return
	}
	if configs, ok := s.zones["."]; ok && len(q) > 1 {
		if s.serve(ctx, loop, configs, w, r) {
			return
		}
	}
	errorFunc(s.Addr, w, r, dns.RcodeRefused)
}

// serve runs the chain of the first config whose filters accept the query.
// It reports false when no config accepted it.
func (s *Server) serve(ctx context.Context, loop int, configs []*Config, w dns.ResponseWriter, r *dns.Msg) bool {
	for _, h := range configs {
		sctx := &serverContext{Context: ctx, srv: s, loop: loop + 1, view: h.ViewName, hasView: h.ViewName != ""}
		var c context.Context = sctx
		if h.metaCollector != nil {
			// Before the filters, so that view expressions can read metadata.
			c = h.metaCollector.Collect(c, request.Request{Req: r, W: w})
		}
		if len(h.FilterFuncs) > 0 {
			state := request.Request{Req: r, W: w}
			if !passAll(c, h.FilterFuncs, &state) {
				continue
			}
		}
		if h.pluginChain == nil {
			// A server block without plugins refuses every query.
			errorFunc(s.Addr, w, r, dns.RcodeRefused)
			return true
		}
		rc, _ := h.pluginChain.ServeDNS(c, w, r)
		if !plugin.ClientWrite(rc) {
			// The chain (and its metrics) saw this query; only write.
			writeError(request.Request{W: w, Req: r}, rc)
		}
		return true
	}
	// Every config has a filter and none accepted the query.
	return false
}

func passAll(ctx context.Context, fs []FilterFunc, state *request.Request) bool {
	for _, f := range fs {
		if !f(ctx, state) {
			return false
		}
	}
	return true
}

// lowerName appends name, lowercased and fully qualified, to buf.
func lowerName(buf []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	if len(buf) == 0 || buf[len(buf)-1] != '.' {
		buf = append(buf, '.')
	}
	return buf
}

// recoverPanic turns a plugin panic into SERVFAIL and keeps the server up.
func (s *Server) recoverPanic(w dns.ResponseWriter, r *dns.Msg) {
	rec := recover()
	if rec == nil {
		return
	}
	if s.stacktrace {
		log.Errorf("Recovered from panic in server: %q %v\n%s", s.Addr, rec, debug.Stack())
	} else {
		log.Errorf("Recovered from panic in server: %q %v", s.Addr, rec)
	}
	vars.Panic.Inc()
	errorFunc(s.Addr, w, r, dns.RcodeServerFailure)
}

// errorFunc writes a reply with rcode and no records, and counts it in the
// server metrics as not served by any zone.
func errorFunc(server string, w dns.ResponseWriter, r *dns.Msg, rc int) {
	state := request.Request{W: w, Req: r}
	n := writeError(state, rc)
	vars.Report(server, state, vars.Dropped, "", rcode.ToString(rc), "", n, time.Now())
}

// writeError writes a reply with rcode and no records and returns its size.
func writeError(state request.Request, rc int) int {
	answer := new(dns.Msg)
	answer.SetRcode(state.Req, rc)
	state.SizeAndDo(answer)
	state.W.WriteMsg(answer) //nolint:errcheck // nothing to do on a failed write
	return answer.Len()
}

// DefaultErrorFunc writes an error response with rcode for r.
func DefaultErrorFunc(ctx context.Context, w dns.ResponseWriter, r *dns.Msg, rc int) {
	writeError(request.Request{W: w, Req: r}, rc)
}
