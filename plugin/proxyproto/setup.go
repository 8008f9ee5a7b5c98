// Package proxyproto implements the proxyproto plugin: the server's
// listeners read PROXY protocol (v1 and v2) headers, so that plugins see the
// address of the client behind a load balancer instead of the balancer's.
package proxyproto

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	proxyproto "github.com/pires/go-proxyproto"
)

const name = "proxyproto"

func init() { plugin.Register(name, setup) }

// config is the parsed proxyproto block.
type config struct {
	allow       []netip.Prefix
	def         proxyproto.Policy
	sessionTTL  time.Duration
	maxSessions int
}

func setup(c *caddy.Controller) error {
	cfg, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	sc := dnsserver.GetConfig(c)
	sc.ProxyProtoConnPolicy = cfg.policy()
	sc.ProxyProtoUDPSessionTrackingTTL = cfg.sessionTTL
	sc.ProxyProtoUDPSessionTrackingMaxSessions = cfg.maxSessions
	return nil
}

var policies = map[string]proxyproto.Policy{
	"use":    proxyproto.USE,
	"ignore": proxyproto.IGNORE,
	"reject": proxyproto.REJECT,
	"skip":   proxyproto.SKIP,
}

func parse(c *caddy.Controller) (*config, error) {
	cfg := &config{def: proxyproto.IGNORE}
	c.Next() // "proxyproto"
	if len(c.RemainingArgs()) > 0 {
		return nil, c.ArgErr()
	}
	for c.NextBlock() {
		switch c.Val() {
		case "allow":
			args := c.RemainingArgs()
			if len(args) == 0 {
				return nil, c.ArgErr()
			}
			for _, a := range args {
				p, err := parsePrefix(a)
				if err != nil {
					return nil, c.Errf("invalid CIDR %q: %v", a, err)
				}
				cfg.allow = append(cfg.allow, p)
			}
		case "default":
			args := c.RemainingArgs()
			if len(args) != 1 {
				return nil, c.ArgErr()
			}
			p, ok := policies[args[0]]
			if !ok {
				return nil, c.Errf("unknown default policy %q: want use, ignore, reject or skip", args[0])
			}
			cfg.def = p
		case "udp_session_tracking":
			args := c.RemainingArgs()
			if len(args) < 1 || len(args) > 2 {
				return nil, c.ArgErr()
			}
			d, err := time.ParseDuration(args[0])
			if err != nil {
				return nil, c.Errf("invalid udp_session_tracking duration %q: %v", args[0], err)
			}
			if d <= 0 {
				return nil, c.Errf("udp_session_tracking duration must be positive: %q", args[0])
			}
			cfg.sessionTTL = d
			if len(args) == 2 {
				n, err := strconv.Atoi(args[1])
				if err != nil || n <= 0 {
					return nil, c.Errf("udp_session_tracking max_sessions must be a positive integer: %q", args[1])
				}
				cfg.maxSessions = n
			}
		default:
			return nil, c.Errf("unknown property %q", c.Val())
		}
	}
	if c.Next() {
		return nil, c.Errf("proxyproto can only be specified once per server block")
	}
	return cfg, nil
}

// parsePrefix accepts a CIDR or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// unmappedBits gives the prefix length of p once an IPv4-mapped address is
// turned into plain IPv4.
func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(0, p.Bits()-96)
	}
	return p.Bits()
}

// policy returns the connection policy: USE for every source without
// allow, else USE for allowed sources and the default for the others.
func (cfg *config) policy() proxyproto.ConnPolicyFunc {
	if len(cfg.allow) == 0 {
		return func(proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) { return proxyproto.USE, nil }
	}
	allow, def := cfg.allow, cfg.def
	return func(o proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) {
		ip, ok := addrIP(o.Upstream)
		if !ok {
			return def, nil
		}
		for _, p := range allow {
			if p.Contains(ip) {
				return proxyproto.USE, nil
			}
		}
		return def, nil
	}
}

// addrIP returns the IP of a UDP or TCP address without allocating.
func addrIP(a net.Addr) (netip.Addr, bool) {
	var ip net.IP
	switch v := a.(type) {
	case *net.UDPAddr:
		ip = v.IP
	case *net.TCPAddr:
		ip = v.IP
	default:
		if a == nil {
			return netip.Addr{}, false
		}
		ap, err := netip.ParseAddrPort(a.String())
		if err != nil {
			return netip.Addr{}, false
		}
		return ap.Addr().Unmap(), true
	}
	addr, ok := netip.AddrFromSlice(ip)
	return addr.Unmap(), ok
}
