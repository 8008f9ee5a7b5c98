package grpc

import (
	"testing"
)

func TestPolicyList(t *testing.T) {
	g := newGRPC()
	for _, a := range []string{"a", "b", "c"} {
		g.proxies = append(g.proxies, &Proxy{addr: a})
	}
	order := func() string {
		var buf [maxUpstreams]*Proxy
		s := ""
		for _, p := range g.list(&buf) {
			s += p.addr
		}
		return s
	}

	g.policy = policySequential
	for range 3 {
		if got := order(); got != "abc" {
			t.Errorf("sequential: %s, want abc", got)
		}
	}

	g.policy = policyRoundRobin
	for _, want := range []string{"abc", "bca", "cab", "abc"} {
		if got := order(); got != want {
			t.Errorf("round_robin: %s, want %s", got, want)
		}
	}

	g.policy = policyRandom
	seen := map[string]bool{}
	for range 200 {
		got := order()
		if len(got) != 3 {
			t.Fatalf("random: %s, want a permutation of abc", got)
		}
		seen[got] = true
	}
	if len(seen) != 6 {
		t.Errorf("random: saw %d of 6 orders in 200 tries", len(seen))
	}
}

func TestPolicyString(t *testing.T) {
	for name, p := range policyNames {
		if p.String() != name {
			t.Errorf("policy %d: String %q, want %q", p, p.String(), name)
		}
	}
}
