package acl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"

	"github.com/miekg/dns"
)

func init() { plugin.Register("acl", setup) }

func setup(c *caddy.Controller) error {
	a, err := parse(c)
	if err != nil {
		return plugin.Error("acl", err)
	}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		a.Next = next
		return a
	})
	return nil
}

// parse reads every acl directive of a server block, each one a Rule:
//
//	acl [ZONES...] {
//	    ACTION [type QTYPE...] [net SOURCE...]
//	}
func parse(c *caddy.Controller) (*ACL, error) {
	a := &ACL{}
	for c.Next() {
		args := c.RemainingArgs()
		for _, z := range args {
			if _, err := plugin.Host(z).MustNormalize(); err != nil {
				return nil, c.Errf("%v", err)
			}
		}
		r := Rule{zones: plugin.OriginsFromArgsOrServerBlock(args, c.ServerBlockKeys)}
		for c.NextBlock() {
			p, err := parsePolicy(c)
			if err != nil {
				return nil, err
			}
			r.policies = append(r.policies, p)
		}
		a.Rules = append(a.Rules, r)
	}
	return a, nil
}

var actions = map[string]action{
	"allow":  actionAllow,
	"block":  actionBlock,
	"filter": actionFilter,
	"drop":   actionDrop,
}

// parsePolicy reads one "ACTION [type QTYPE...] [net SOURCE...]" line; the
// controller is on ACTION.
func parsePolicy(c *caddy.Controller) (policy, error) {
	var p policy
	act, ok := actions[strings.ToLower(c.Val())]
	if !ok {
		return p, c.Errf("invalid action %q: want allow, block, filter or drop", c.Val())
	}
	p.action = act

	rest := c.RemainingArgs()
	anyType, anyNet := false, false
	for len(rest) > 0 {
		section := strings.ToLower(rest[0])
		if section != "type" && section != "net" {
			return p, c.Errf("unexpected token %q: want 'type' or 'net'", rest[0])
		}
		i := 1
		for i < len(rest) && !isSection(rest[i]) {
			i++
		}
		values := rest[1:i]
		rest = rest[i:]
		if len(values) == 0 {
			return p, c.Errf("no value given in %q section", section)
		}
		var (
			all bool
			err error
		)
		if section == "type" {
			p.qtypes, all, err = parseTypes(p.qtypes, values)
			anyType = anyType || all
		} else {
			p.nets, all, err = parseNets(p.nets, values)
			anyNet = anyNet || all
		}
		if err != nil {
			return p, c.Err(err.Error())
		}
	}
	// A wildcard, like a missing section, matches everything.
	if anyType {
		p.qtypes = nil
	}
	if anyNet {
		p.nets = nil
	}
	return p, nil
}

func isSection(s string) bool {
	s = strings.ToLower(s)
	return s == "type" || s == "net"
}

// parseTypes appends the query types of values to types; all reports a
// "*" among them.
func parseTypes(types []uint16, values []string) (_ []uint16, all bool, _ error) {
	for _, v := range values {
		if v == "*" {
			all = true
			continue
		}
		t, ok := dns.StringToType[strings.ToUpper(v)]
		if !ok {
			return nil, false, fmt.Errorf("invalid query type %q", v)
		}
		types = append(types, t)
	}
	return types, all, nil
}

// parseNets appends the prefixes of values to nets; all reports a "*"
// among them. A bare address stands for itself alone (/32 or /128).
func parseNets(nets []netip.Prefix, values []string) (_ []netip.Prefix, all bool, _ error) {
	for _, v := range values {
		if v == "*" {
			all = true
			continue
		}
		pfx, err := parseNet(v)
		if err != nil {
			return nil, false, err
		}
		nets = append(nets, pfx)
	}
	return nets, all, nil
}

// parseNet parses one CIDR or address.
func parseNet(v string) (netip.Prefix, error) {
	var pfx netip.Prefix
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return pfx, fmt.Errorf("illegal CIDR notation %q", v)
		}
		pfx = p
	} else {
		addr, err := netip.ParseAddr(v)
		if err != nil {
			return pfx, fmt.Errorf("illegal CIDR notation %q", v)
		}
		if addr.Zone() != "" {
			return pfx, fmt.Errorf("illegal CIDR notation %q: zones are not supported", v)
		}
		pfx = netip.PrefixFrom(addr, addr.BitLen())
	}
	// Clients are matched in their unmapped form, so are IPv4-mapped nets.
	if pfx.Addr().Is4In6() && pfx.Bits() >= 96 {
		pfx = netip.PrefixFrom(pfx.Addr().Unmap(), pfx.Bits()-96)
	}
	return pfx.Masked(), nil
}
