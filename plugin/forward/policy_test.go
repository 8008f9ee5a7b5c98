package forward

import "testing"

func TestForwardPolicies(t *testing.T) {
	a, b, c := "127.0.0.1:1001", "127.0.0.1:1002", "127.0.0.1:1003"
	order := func(f *Forward) string {
		s := ""
		for _, p := range f.List() {
			s += p.Addr()[len(p.Addr())-1:]
		}
		return s
	}

	f := newForward(t, "forward . "+a+" "+b+" "+c+" {\npolicy sequential\n}")
	for range 3 {
		if got := order(f); got != "123" {
			t.Errorf("sequential: %s, want 123", got)
		}
	}

	f = newForward(t, "forward . "+a+" "+b+" "+c+" {\npolicy round_robin\n}")
	for _, want := range []string{"123", "231", "312", "123"} {
		if got := order(f); got != want {
			t.Errorf("round_robin: %s, want %s", got, want)
		}
	}

	f = newForward(t, "forward . "+a+" "+b+" "+c)
	firsts := map[byte]int{}
	for range 300 {
		got := order(f)
		if len(got) != 3 || got[0] == got[1] || got[1] == got[2] || got[0] == got[2] {
			t.Fatalf("random: %s is not a permutation", got)
		}
		firsts[got[0]]++
	}
	if len(firsts) != 3 {
		t.Errorf("random: first upstreams %v, want all three to come first sometimes", firsts)
	}
}
