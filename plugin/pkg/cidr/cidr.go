// Package cidr maps networks onto the reverse zones that cover them. Reverse
// zones can only be cut at label boundaries: every 8 bits (an octet) for
// IPv4 and every 4 bits (a nibble) for IPv6.
package cidr

import (
	"math/big"
	"net"

	"github.com/miekg/dns"
)

// Split splits n into the networks, each on a label boundary, that together
// cover it exactly, and returns them in CIDR notation in ascending order.
// A network already on a boundary is returned as is: "10.0.0.0/8" gives
// ["10.0.0.0/8"], while "10.0.0.0/15" gives ["10.0.0.0/16", "10.1.0.0/16"].
// IPv6 networks are split on nibble boundaries.
func Split(n *net.IPNet) []string {
	ones, bits := n.Mask.Size()
	if bits == 0 {
		return nil // not a canonical mask
	}
	// Keep the address length in step with the mask (4 or 16 bytes).
	ip, size := n.IP.To16(), 4
	if bits == 32 {
		ip, size = n.IP.To4(), 8
	}
	if ip == nil {
		return nil
	}
	ip = ip.Mask(n.Mask)
	if ones%size == 0 {
		return []string{(&net.IPNet{IP: ip, Mask: n.Mask}).String()}
	}

	prefix := (ones/size + 1) * size
	mask := net.CIDRMask(prefix, bits)
	count := 1 << (prefix - ones)
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits-prefix))
	cur := new(big.Int).SetBytes(ip)

	nets := make([]string, 0, count)
	for range count {
		sub := &net.IPNet{IP: toIP(cur, len(ip)), Mask: mask}
		nets = append(nets, sub.String())
		cur.Add(cur, step)
	}
	return nets
}

// toIP renders v as an IP address of length l.
func toIP(v *big.Int, l int) net.IP {
	ip := make(net.IP, l)
	v.FillBytes(ip)
	return ip
}

// Reverse returns, for each network in CIDR notation, the name of the
// reverse zone that covers it: "10.0.0.0/8" gives "10.in-addr.arpa." and
// "10.1.0.0/16" gives "1.10.in-addr.arpa.". A network that is not on a label
// boundary maps to the smallest zone enclosing it ("10.0.0.0/15" gives
// "10.in-addr.arpa."); use Split first for an exact mapping. Entries that
// are not valid CIDRs are skipped.
func Reverse(nets []string) []string {
	rev := make([]string, 0, len(nets))
	for _, s := range nets {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			continue
		}
		arpa, err := dns.ReverseAddr(ip.String())
		if err != nil {
			continue
		}
		ones, bits := n.Mask.Size()
		size := 4
		if bits == 32 {
			size = 8
		}
		// Drop the labels for the host part, rounding up to a whole label.
		drop := (bits - ones + size - 1) / size
		off := 0
		for range drop {
			var end bool
			if off, end = dns.NextLabel(arpa, off); end {
				break
			}
		}
		rev = append(rev, arpa[off:])
	}
	return rev
}
