// Package bind implements the bind plugin: it restricts the addresses a
// server block listens on.
package bind

import (
	"fmt"
	"net"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
)

func init() { plugin.Register("bind", setup) }

// listInterfaces and interfaceAddrList are replaced in tests.
var (
	listInterfaces    = net.Interfaces
	interfaceAddrList = func(iface net.Interface) ([]net.Addr, error) { return iface.Addrs() }
)

func setup(c *caddy.Controller) error {
	config := dnsserver.GetConfig(c)
	// The default of "" (all addresses) goes as soon as bind names one.
	config.ListenHosts = nil

	var all []string
	for c.Next() {
		b, err := parse(c)
		if err != nil {
			return plugin.Error("bind", err)
		}
		all = append(all, b...)
	}
	if len(all) == 0 {
		return plugin.Error("bind", c.Err("no address left to bind to after exclusions"))
	}
	config.ListenHosts = all
	return nil
}

// parse reads one bind line and its block, returning the addresses to bind.
func parse(c *caddy.Controller) ([]string, error) {
	args := c.RemainingArgs()
	if len(args) == 0 {
		return nil, c.ArgErr()
	}
	var except []string
	for c.NextBlock() {
		switch c.Val() {
		case "except":
			ex := c.RemainingArgs()
			if len(ex) == 0 {
				return nil, c.ArgErr()
			}
			except = append(except, ex...)
		default:
			return nil, c.Errf("unknown property '%s'", c.Val())
		}
	}

	ifaces, err := listInterfaces()
	if err != nil {
		return nil, c.Errf("failed to list interfaces: %v", err)
	}

	include, err := resolve(args, ifaces)
	if err != nil {
		return nil, c.Err(err.Error())
	}
	exclude, err := resolve(except, ifaces)
	if err != nil {
		return nil, c.Err(err.Error())
	}

	skip := map[string]bool{}
	for _, e := range exclude {
		skip[e] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range include {
		if skip[a] || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out, nil
}

// resolve turns each argument, an IP address or an interface name, into the
// addresses it stands for.
func resolve(names []string, ifaces []net.Interface) ([]string, error) {
	var out []string
	for _, name := range names {
		if ip := net.ParseIP(name); ip != nil {
			out = append(out, ip.String())
			continue
		}
		addrs, found, err := interfaceAddrs(name, ifaces)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("not a valid IP address or interface name: %q", name)
		}
		out = append(out, addrs...)
	}
	return out, nil
}

// interfaceAddrs returns the addresses of the interface called name. IPv6
// link-local addresses are left out, as CoreDNS does: they are only usable
// together with a zone and are rarely what a DNS server should listen on.
func interfaceAddrs(name string, ifaces []net.Interface) ([]string, bool, error) {
	for _, iface := range ifaces {
		if iface.Name != name {
			continue
		}
		addrs, err := interfaceAddrList(iface)
		if err != nil {
			return nil, true, fmt.Errorf("failed to get addresses of interface %q: %v", name, err)
		}
		var out []string
		for _, a := range addrs {
			ipnet, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if ipnet.IP.IsLinkLocalUnicast() && ipnet.IP.To4() == nil {
				continue
			}
			out = append(out, ipnet.IP.String())
		}
		return out, true, nil
	}
	return nil, false, nil
}
