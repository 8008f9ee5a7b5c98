package forward

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/dnstap"
	"github.com/coredns/coredns/plugin/pkg/parse"
	"github.com/coredns/coredns/plugin/pkg/proxy"
	pkgtls "github.com/coredns/coredns/plugin/pkg/tls"
	"github.com/coredns/coredns/plugin/pkg/transport"

	"github.com/miekg/dns"
)

func init() { plugin.Register("forward", setup) }

func setup(c *caddy.Controller) error {
	fs, err := parseForward(c)
	if err != nil {
		return plugin.Error("forward", err)
	}

	cfg := dnsserver.GetConfig(c)
	for _, f := range fs {
		c.OnStartup(f.OnStartup)
		c.OnShutdown(f.OnShutdown)
		// Forwards of one block follow each other in the chain, so "next"
		// reaches the following one.
		cfg.AddPlugin(func(next plugin.Handler) plugin.Handler {
			f.Next = next
			return f
		})
	}

	c.OnStartup(func() error {
		// The chain exists now: find the dnstap plugins of the block.
		taps := dnstap.Taps(cfg.Handler("dnstap"))
		for _, f := range fs {
			f.taps = taps
		}
		return nil
	})
	return nil
}

// parseForward reads every forward stanza of a server block.
func parseForward(c *caddy.Controller) ([]*Forward, error) {
	var fs []*Forward
	for c.Next() {
		f, err := parseStanza(c)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// upstream is one TO address with its transport and, for DNS over TLS, a
// server name of its own ("tls://IP%NAME").
type upstream struct {
	trans      string
	addr       string
	serverName string
}

// parseStanza reads "forward FROM TO... { ... }" into a Forward with its
// proxies made but not started.
func parseStanza(c *caddy.Controller) (*Forward, error) {
	f := New()

	if !c.Args(&f.from) {
		return nil, c.ArgErr()
	}
	zones := plugin.Host(f.from).NormalizeExact()
	if len(zones) == 0 {
		return nil, c.Errf("unable to normalize '%s'", f.from)
	}
	f.from = zones[0] // a CIDR may expand to several zones: the first is used

	to := c.RemainingArgs()
	if len(to) == 0 {
		return nil, c.ArgErr()
	}
	ups, err := parseUpstreams(c, to)
	if err != nil {
		return nil, err
	}

	for c.NextBlock() {
		if err := parseBlock(c, f); err != nil {
			return nil, err
		}
	}

	if f.tlsServerName != "" {
		for _, u := range ups {
			if u.serverName != "" {
				return nil, c.Errf("tls_servername cannot be combined with a server name in the upstream %q", "tls://"+u.addr+"%"+u.serverName)
			}
		}
		f.tlsConfig.ServerName = f.tlsServerName
	}
	// Resumed sessions make later handshakes with the same upstream cheaper.
	f.tlsConfig.ClientSessionCache = tls.NewLRUClientSessionCache(len(ups))

	for _, u := range ups {
		f.proxies = append(f.proxies, f.newProxy(u))
	}
	return f, nil
}

// parseUpstreams turns the TO arguments into upstreams: addresses with their
// default ports, or the nameservers of resolv.conf style files.
func parseUpstreams(c *caddy.Controller, to []string) ([]upstream, error) {
	var ups []upstream
	for _, arg := range to {
		arg, name := splitServerName(arg)
		hosts, err := parse.HostPortOrFile(arg)
		if err != nil {
			return nil, c.Errf("%s", err)
		}
		for _, h := range hosts {
			trans, addr := parse.Transport(h)
			switch trans {
			case transport.DNS, transport.TLS, transport.HTTPS:
			default:
				return nil, c.Errf("unsupported transport %q in %q", trans, arg)
			}
			ups = append(ups, upstream{trans: trans, addr: addr, serverName: name})
		}
	}
	if len(ups) > maxUpstreams {
		return nil, c.Errf("more than %d TOs configured: %d", maxUpstreams, len(ups))
	}
	return ups, nil
}

// splitServerName takes the server name out of "tls://IP%NAME[:PORT]",
// returning "tls://IP[:PORT]" and NAME. Other arguments, and IPv6 link-local
// addresses with a zone, come back unchanged.
func splitServerName(arg string) (string, string) {
	trans, host := parse.Transport(arg)
	if trans != transport.TLS {
		return arg, ""
	}
	pct := strings.LastIndexByte(host, '%')
	if pct < 0 || strings.Contains(host[pct:], "]") {
		return arg, ""
	}
	addr, name, port := host[:pct], host[pct+1:], ""
	if ip := net.ParseIP(addr); ip != nil && ip.To4() == nil && ip.IsLinkLocalUnicast() {
		return arg, "" // fe80::1%eth0: a zone, not a server name
	}
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name, port = name[:i], name[i:]
	}
	if port != "" && strings.Contains(addr, ":") && !strings.HasPrefix(addr, "[") {
		addr = "[" + addr + "]"
	}
	return "tls://" + addr + port, name
}

// newProxy makes the proxy for u with the settings of f.
func (f *Forward) newProxy(u upstream) *proxy.Proxy {
	p := proxy.NewProxy("forward", u.addr, u.trans)
	serverName := f.tlsServerName
	if u.trans == transport.TLS || u.trans == transport.HTTPS {
		tc := f.tlsConfig
		if u.serverName != "" {
			tc = f.tlsConfig.Clone()
			tc.ServerName = u.serverName
			serverName = u.serverName
		}
		p.SetTLSConfig(tc)
		if u.trans == transport.HTTPS {
			ht := pkgtls.NewHTTPSTransport(tc)
			if f.maxIdleConns > 0 {
				ht.MaxIdleConns = f.maxIdleConns
				ht.MaxIdleConnsPerHost = f.maxIdleConns
			}
			if f.localAddr != nil {
				d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, LocalAddr: &net.TCPAddr{IP: f.localAddr}}
				ht.DialContext = d.DialContext
			}
			p.SetHTTPClient(&http.Client{Transport: ht})
			p.SetDOHRequestOptions(f.dohMethod)
			p.SetDOHHost(serverName)
		}
	}
	p.SetExpire(f.expire)
	p.SetMaxAge(f.maxAge)
	p.SetMaxIdleConns(f.maxIdleConns)
	if f.localAddr != nil {
		p.SetLocalAddress(f.localAddr)
	}
	if hc := p.GetHealthchecker(); hc != nil {
		hc.SetRecursionDesired(f.opts.HCRecursionDesired)
		hc.SetDomain(f.opts.HCDomain)
		if f.opts.ForceTCP && u.trans == transport.DNS {
			hc.SetTCPTransport()
		}
	}
	return p
}

// parseBlock reads one property of the forward block.
func parseBlock(c *caddy.Controller, f *Forward) error {
	parse, ok := properties[c.Val()]
	if !ok {
		return c.Errf("unknown property '%s'", c.Val())
	}
	return parse(c, f)
}

// properties maps each property of the forward block to its parser. The
// parser is called with the cursor on the property name.
var properties = map[string]func(*caddy.Controller, *Forward) error{
	"except":                           parseExcept,
	"force_tcp":                        flag(func(f *Forward) { f.opts.ForceTCP = true }),
	"prefer_udp":                       flag(func(f *Forward) { f.opts.PreferUDP = true }),
	"failfast_all_unhealthy_upstreams": flag(func(f *Forward) { f.failfastAll = true }),
	"max_fails":                        number(func(f *Forward, n uint32) { f.maxfails = n }),
	"max_connect_attempts":             number(func(f *Forward, n uint32) { f.maxAttempts, f.attemptsSet = n, true }),
	"max_idle_conns":                   number(func(f *Forward, n uint32) { f.maxIdleConns = int(n) }),
	"max_concurrent": number(func(f *Forward, n uint32) {
		f.maxConcurrent = int64(n)
		f.ErrLimitExceeded = errors.New("concurrent queries exceeded maximum " + strconv.Itoa(int(n)))
	}),
	"expire":         duration(func(f *Forward, d time.Duration) { f.expire = d }),
	"max_age":        duration(func(f *Forward, d time.Duration) { f.maxAge = d }),
	"health_check":   parseHealthCheck,
	"tls":            parseTLS,
	"tls_servername": word(func(f *Forward, v string) error { f.tlsServerName = v; return nil }),
	"policy": word(func(f *Forward, v string) error {
		p, ok := policyNames[v]
		if !ok {
			return fmt.Errorf("unknown policy '%s'", v)
		}
		f.policy = p
		return nil
	}),
	"next":     func(c *caddy.Controller, f *Forward) error { return parseRcodes(c, &f.nextRcodes, false) },
	"failover": func(c *caddy.Controller, f *Forward) error { return parseRcodes(c, &f.failoverRcodes, true) },
	"doh_method": word(func(f *Forward, v string) error {
		switch m := strings.ToUpper(v); m {
		case http.MethodGet, http.MethodPost:
			f.dohMethod = m
			return nil
		}
		return fmt.Errorf("doh_method must be GET or POST, not '%s'", v)
	}),
	"source_address": word(func(f *Forward, v string) error {
		ip := net.ParseIP(v)
		if ip == nil {
			return fmt.Errorf("source_address: '%s' is not an IP address", v)
		}
		f.localAddr = ip
		return nil
	}),
}

// parseExcept reads "except NAMES...".
func parseExcept(c *caddy.Controller, f *Forward) error {
	names := c.RemainingArgs()
	if len(names) == 0 {
		return c.ArgErr()
	}
	for _, n := range names {
		f.ignored = append(f.ignored, plugin.Host(n).NormalizeExact()...)
	}
	return nil
}

// parseTLS reads "tls [CERT KEY] [CA]".
func parseTLS(c *caddy.Controller, f *Forward) error {
	args := c.RemainingArgs()
	if len(args) > 3 {
		return c.ArgErr()
	}
	tc, err := pkgtls.NewTLSConfigFromArgs(args...)
	if err != nil {
		return c.Errf("%s", err)
	}
	f.tlsConfig = tc
	return nil
}

// flag returns the parser of a property without arguments.
func flag(set func(*Forward)) func(*caddy.Controller, *Forward) error {
	return func(c *caddy.Controller, f *Forward) error {
		if c.NextArg() {
			return c.ArgErr()
		}
		set(f)
		return nil
	}
}

// number returns the parser of a property with one non-negative integer.
func number(set func(*Forward, uint32)) func(*caddy.Controller, *Forward) error {
	return func(c *caddy.Controller, f *Forward) error {
		n, err := uintArg(c, c.Val())
		if err != nil {
			return err
		}
		set(f, n)
		return nil
	}
}

// duration returns the parser of a property with one non-negative duration.
func duration(set func(*Forward, time.Duration)) func(*caddy.Controller, *Forward) error {
	return func(c *caddy.Controller, f *Forward) error {
		d, err := durationArg(c, c.Val())
		if err != nil {
			return err
		}
		if c.NextArg() {
			return c.ArgErr()
		}
		set(f, d)
		return nil
	}
}

// word returns the parser of a property with one argument; an error from
// set is reported at the argument.
func word(set func(*Forward, string) error) func(*caddy.Controller, *Forward) error {
	return func(c *caddy.Controller, f *Forward) error {
		if !c.NextArg() {
			return c.ArgErr()
		}
		if err := set(f, c.Val()); err != nil {
			return c.Errf("%s", err)
		}
		if c.NextArg() {
			return c.ArgErr()
		}
		return nil
	}
}

// parseHealthCheck reads "health_check DURATION [no_rec] [domain FQDN]".
func parseHealthCheck(c *caddy.Controller, f *Forward) error {
	d, err := durationArg(c, "health_check")
	if err != nil {
		return err
	}
	f.hcInterval = d
	for c.NextArg() {
		switch opt := c.Val(); opt {
		case "no_rec":
			f.opts.HCRecursionDesired = false
		case "domain":
			if !c.NextArg() {
				return c.ArgErr()
			}
			if _, ok := dns.IsDomainName(c.Val()); !ok {
				return c.Errf("health_check: invalid domain name '%s'", c.Val())
			}
			f.opts.HCDomain = plugin.Name(c.Val()).Normalize()
		default:
			return c.Errf("health_check: unknown option '%s'", opt)
		}
	}
	return nil
}

// parseRcodes reads one or more rcode names into set. NOERROR is refused
// when noNoerror is set.
func parseRcodes(c *caddy.Controller, set *rcodeSet, noNoerror bool) error {
	args := c.RemainingArgs()
	if len(args) == 0 {
		return c.ArgErr()
	}
	for _, a := range args {
		rc, ok := dns.StringToRcode[strings.ToUpper(a)]
		if !ok {
			return c.Errf("%s is not a valid rcode", a)
		}
		if noNoerror && rc == dns.RcodeSuccess {
			return c.Errf("NOERROR cannot be a failover rcode")
		}
		set.add(rc)
	}
	return nil
}

// uintArg reads the single non-negative integer argument of prop.
func uintArg(c *caddy.Controller, prop string) (uint32, error) {
	if !c.NextArg() {
		return 0, c.ArgErr()
	}
	v := c.Val()
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, c.Errf("%s: invalid number '%s'", prop, v)
	}
	if n < 0 {
		return 0, c.Errf("%s can't be negative: %d", prop, n)
	}
	if uint64(n) > uint64(^uint32(0)) {
		return 0, c.Errf("%s: %d is too large", prop, n)
	}
	if c.NextArg() {
		return 0, c.ArgErr()
	}
	return uint32(n), nil
}

// durationArg reads the first argument of prop as a non-negative duration.
func durationArg(c *caddy.Controller, prop string) (time.Duration, error) {
	if !c.NextArg() {
		return 0, c.ArgErr()
	}
	d, err := time.ParseDuration(c.Val())
	if err != nil {
		return 0, c.Errf("%s: invalid duration '%s'", prop, c.Val())
	}
	if d < 0 {
		return 0, c.Errf("%s can't be negative: %s", prop, d)
	}
	return d, nil
}
