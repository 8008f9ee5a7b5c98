package loadbalance

import (
	"net/netip"

	"github.com/miekg/dns"
)

// preferSubnets returns rrs with its A and AAAA records reordered so that
// addresses in prefer come first: those in the first prefix, then those in
// the second, and so on, then the addresses in none of them. Records keep
// their relative order within each group, and the address records stay in
// the slots of the section that held address records, so a CNAME in front
// stays in front.
func preferSubnets(rrs []dns.RR, prefer []netip.Prefix) []dns.RR {
	n := 0
	for _, rr := range rrs {
		if _, ok := address(rr); ok {
			n++
		}
	}
	if n < 2 {
		return rrs
	}

	// rank[i] is the index in prefer of the first prefix holding the i-th
	// address record, or len(prefer) for none.
	var small [16]int
	rank := small[:0]
	if n > len(small) {
		rank = make([]int, 0, n)
	}
	for _, rr := range rrs {
		a, ok := address(rr)
		if !ok {
			continue
		}
		r := len(prefer)
		for k, p := range prefer {
			if p.Contains(a) {
				r = k
				break
			}
		}
		rank = append(rank, r)
	}
	if sortedRanks(rank) {
		return rrs
	}

	out := make([]dns.RR, len(rrs))
	copy(out, rrs)
	slot := 0 // next address slot of out to fill
	for r := 0; r <= len(prefer); r++ {
		i := 0 // index among the address records of rrs
		for _, rr := range rrs {
			if _, ok := address(rr); !ok {
				continue
			}
			if rank[i] == r {
				slot = nextAddressSlot(rrs, slot)
				out[slot] = rr
				slot++
			}
			i++
		}
	}
	return out
}

// nextAddressSlot returns the first index at or after from at which rrs holds
// an address record.
func nextAddressSlot(rrs []dns.RR, from int) int {
	for from < len(rrs) {
		if _, ok := address(rrs[from]); ok {
			return from
		}
		from++
	}
	return from
}

// sortedRanks reports whether rank is already in non-decreasing order, in
// which case nothing moves.
func sortedRanks(rank []int) bool {
	for i := 1; i < len(rank); i++ {
		if rank[i] < rank[i-1] {
			return false
		}
	}
	return true
}
