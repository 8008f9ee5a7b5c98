package grpc

import (
	"math/rand/v2"
)

// policy is the order in which the upstreams are tried for a query.
type policy int

const (
	// policyRandom tries the upstreams in a random order.
	policyRandom policy = iota
	// policyRoundRobin starts each query at the next upstream in turn.
	policyRoundRobin
	// policySequential always tries the upstreams in configured order.
	policySequential
)

// policyNames are the Corefile names of the policies.
var policyNames = map[string]policy{
	"random":      policyRandom,
	"round_robin": policyRoundRobin,
	"sequential":  policySequential,
}

// String returns the Corefile name of p.
func (p policy) String() string {
	switch p {
	case policyRoundRobin:
		return "round_robin"
	case policySequential:
		return "sequential"
	}
	return "random"
}

// list puts the upstreams, in the order of the policy, into buf and returns
// the filled part. It does not allocate.
func (g *GRPC) list(buf *[maxUpstreams]*Proxy) []*Proxy {
	n := copy(buf[:], g.proxies)
	l := buf[:n]
	switch g.policy {
	case policyRoundRobin:
		if n > 1 {
			start := int((g.rrCounter.Add(1) - 1) % uint32(n))
			for k := range n {
				l[k] = g.proxies[(start+k)%n]
			}
		}
	case policySequential:
	default:
		for k := n - 1; k > 0; k-- {
			j := rand.IntN(k + 1)
			l[k], l[j] = l[j], l[k]
		}
	}
	return l
}
