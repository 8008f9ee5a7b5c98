// Package parse holds helpers for parsing Corefile arguments: upstream
// addresses with optional transport prefixes, resolv.conf style files and
// zone transfer sources.
package parse

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/transport"
	"github.com/miekg/dns"
)

// ErrNoNameservers is returned by HostPortOrFile when the arguments yield
// no nameserver at all.
var ErrNoNameservers = errors.New("no nameservers found")

// HostPortOrFile turns each argument into one or more upstream addresses.
// An argument is either an IP address with optional port and transport
// prefix, or the path of a resolv.conf style file whose nameservers are
// used. Addresses get the default port of their transport and keep their
// prefix, except plain DNS, which is returned without one:
//
//	"8.8.8.8"          -> "8.8.8.8:53"
//	"tls://1.1.1.1"    -> "tls://1.1.1.1:853"
//	"[::1]:1053"       -> "[::1]:1053"
//	"unix:///run/dns"  -> "unix:///run/dns"
//	"/etc/resolv.conf" -> one "IP:53" per nameserver line
func HostPortOrFile(s ...string) ([]string, error) {
	var servers []string
	for _, arg := range s {
		trans, host := Transport(arg)
		if host == "" {
			return servers, fmt.Errorf("invalid address: %q", arg)
		}
		if trans == transport.UNIX {
			servers = append(servers, transport.UNIX+"://"+host)
			continue
		}

		addr, err := HostPort(host, defaultPort(trans))
		if err == nil {
			if trans != transport.DNS {
				addr = trans + "://" + addr
			}
			servers = append(servers, addr)
			continue
		}
		if trans != transport.DNS {
			return servers, fmt.Errorf("not an IP address: %q: %w", arg, err)
		}
		fromFile, ferr := tryFile(host)
		if ferr != nil {
			return servers, fmt.Errorf("not an IP address or file: %q", arg)
		}
		servers = append(servers, fromFile...)
	}
	if len(servers) == 0 {
		return servers, ErrNoNameservers
	}
	return servers, nil
}

// tryFile reads the nameservers from a resolv.conf style file.
func tryFile(path string) ([]string, error) {
	c, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("failed to read nameservers from %q: %w", path, err)
	}
	servers := make([]string, 0, len(c.Servers))
	for _, s := range c.Servers {
		servers = append(servers, net.JoinHostPort(s, c.Port))
	}
	return servers, nil
}

// HostPort checks that s is an IP address, optionally with a port, and
// returns it as "host:port", using defaultPort when s has no port. IPv6
// addresses may be bracketed and carry a zone ("fe80::1%eth0"). Host names
// are rejected.
func HostPort(s string, defaultPort string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: a bare IPv4 or (possibly bracketed) IPv6 address.
		host, port = s, ""
		if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
			host = host[1 : len(host)-1]
		}
	}
	if port == "" {
		port = defaultPort
	}
	if !isIP(host) {
		return "", fmt.Errorf("must specify an IP address: %q", s)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return "", fmt.Errorf("invalid port %q in %q", port, s)
	}
	return net.JoinHostPort(host, port), nil
}

// isIP reports whether s is an IP address, allowing an IPv6 zone.
func isIP(s string) bool {
	if i := strings.LastIndexByte(s, '%'); i > 0 && strings.Contains(s[:i], ":") {
		s = s[:i]
	}
	return net.ParseIP(s) != nil
}
