package tree

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

func mustRR(t testing.TB, s string) dns.RR {
	t.Helper()
	rr, err := dns.NewRR(s)
	if err != nil {
		t.Fatalf("bad RR %q: %v", s, err)
	}
	return rr
}

// The example of RFC 4034, section 6.1, in canonical order.
var canonical = []string{
	"example.",
	"a.example.",
	"yljkjljk.a.example.",
	"Z.a.example.",
	"zABC.a.EXAMPLE.",
	"z.example.",
	`\001.z.example.`,
	"*.z.example.",
	`\200.z.example.`,
}

func TestCanonicalOrder(t *testing.T) {
	for i := range canonical {
		for j := range canonical {
			a := &Elem{name: canonical[i], key: key(canonical[i])}
			got := Less(a, canonical[j])
			var want int
			switch {
			case j < i:
				want = -1
			case j > i:
				want = 1
			}
			if got != want {
				t.Errorf("Less(%s, %s) = %d, want %d", canonical[i], canonical[j], got, want)
			}
		}
	}
}

func TestLessEdgeCases(t *testing.T) {
	tests := []struct {
		a, b string
		want int // sign of Less(elem a, b)
	}{
		{"example.", "EXAMPLE.", 0},
		{"example.", "example", 0},
		{`\065.example.`, "a.example.", 0},
		{`a\.b.example.`, "b.example.", 1}, // the one label "a.b" sorts before "b"
		{"ab.example.", `a\000.example.`, -1},
		{`a\000.example.`, "a.example.", -1},
		{".", "example.", 1},
		{"example.", ".", -1},
		{"b.example.", "a.b.example.", 1},
	}
	for _, tc := range tests {
		e := &Elem{name: tc.a, key: key(tc.a)}
		got := Less(e, tc.b)
		if sign(got) != tc.want {
			t.Errorf("Less(%q, %q) = %d, want sign %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func sign(i int) int {
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

func TestInsertSearchWalk(t *testing.T) {
	tr := &Tree{}
	perm := rand.New(rand.NewSource(1)).Perm(len(canonical))
	for _, i := range perm {
		tr.Insert(mustRR(t, canonical[i]+" 3600 IN A 127.0.0.1"))
	}
	// A second record at an existing name does not add a name.
	tr.Insert(mustRR(t, "a.example. 3600 IN AAAA ::1"))
	// A duplicate is dropped.
	tr.Insert(mustRR(t, "a.example. 60 IN A 127.0.0.1"))

	if tr.Len() != len(canonical) {
		t.Fatalf("Len = %d, want %d", tr.Len(), len(canonical))
	}
	var names []string
	for _, e := range tr.All() {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, canonical) {
		t.Errorf("All = %v\nwant  %v", names, canonical)
	}
	var walked []string
	err := tr.Walk(func(e *Elem, m map[uint16][]dns.RR) error {
		walked = append(walked, e.Name())
		if len(m[dns.TypeA]) != 1 {
			return fmt.Errorf("%s has %d A records", e.Name(), len(m[dns.TypeA]))
		}
		return nil
	})
	if err != nil || !slices.Equal(walked, canonical) {
		t.Errorf("Walk = %v, %v", walked, err)
	}
	stop := errors.New("stop")
	n := 0
	if err := tr.Walk(func(*Elem, map[uint16][]dns.RR) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Walk did not stop at the first error: %v after %d", err, n)
	}

	e, ok := tr.Search("A.Example.")
	if !ok || e.Name() != "a.example." {
		t.Fatalf("Search(A.Example.) = %v, %v", e, ok)
	}
	if got := e.Types(); !slices.Equal(got, []uint16{dns.TypeA, dns.TypeAAAA}) {
		t.Errorf("Types = %v", got)
	}
	if len(e.All()) != 2 || e.All()[0].Header().Rrtype != dns.TypeA {
		t.Errorf("All = %v", e.All())
	}
	if _, ok := tr.Search("b.example."); ok {
		t.Error("Search(b.example.) found a name that is not there")
	}
	if tr.Min().Name() != canonical[0] || tr.Max().Name() != canonical[len(canonical)-1] {
		t.Errorf("Min, Max = %s, %s", tr.Min().Name(), tr.Max().Name())
	}
}

func TestPrevNext(t *testing.T) {
	tr := &Tree{}
	for _, n := range canonical {
		tr.Insert(mustRR(t, n+" 3600 IN A 127.0.0.1"))
	}
	tests := []struct {
		qname      string
		prev, next string // "" when there is none
	}{
		{"a.example.", "a.example.", "a.example."},
		{"b.a.example.", "a.example.", "yljkjljk.a.example."},
		{"zz.a.example.", "zABC.a.EXAMPLE.", "z.example."},
		{"b.example.", "zABC.a.EXAMPLE.", "z.example."},
		{"zz.example.", `\200.z.example.`, ""},
		{"com.", "", "example."},
		{"a.z.example.", "*.z.example.", `\200.z.example.`},
	}
	for _, tc := range tests {
		p, ok := tr.Prev(tc.qname)
		if got := nameOf(p, ok); got != tc.prev {
			t.Errorf("Prev(%s) = %q, want %q", tc.qname, got, tc.prev)
		}
		n, ok := tr.Next(tc.qname)
		if got := nameOf(n, ok); got != tc.next {
			t.Errorf("Next(%s) = %q, want %q", tc.qname, got, tc.next)
		}
	}
	empty := &Tree{}
	if _, ok := empty.Prev("a."); ok {
		t.Error("Prev on an empty tree found something")
	}
	if empty.Min() != nil || empty.Max() != nil {
		t.Error("Min or Max on an empty tree is not nil")
	}
}

func nameOf(e *Elem, ok bool) string {
	if !ok {
		return ""
	}
	return e.Name()
}

// check verifies the ordering and the left-leaning red-black invariants.
func check(t *testing.T, tr *Tree) {
	t.Helper()
	if isRed(tr.Root) {
		t.Fatal("root is red")
	}
	count := 0
	var walk func(n *Node, lo, hi string) int
	walk = func(n *Node, lo, hi string) int {
		if n == nil {
			return 1
		}
		count++
		if (lo != "" && n.Elem.key <= lo) || (hi != "" && n.Elem.key >= hi) {
			t.Fatalf("%s is out of order", n.Elem.name)
		}
		if isRed(n.Right) {
			t.Fatalf("%s has a red right child", n.Elem.name)
		}
		if isRed(n) && isRed(n.Left) {
			t.Fatalf("%s: two red nodes in a row", n.Elem.name)
		}
		l, r := walk(n.Left, lo, n.Elem.key), walk(n.Right, n.Elem.key, hi)
		if l != r {
			t.Fatalf("%s: black heights %d and %d differ", n.Elem.name, l, r)
		}
		if !isRed(n) {
			l++
		}
		return l
	}
	walk(tr.Root, "", "")
	if count != tr.Len() {
		t.Fatalf("tree has %d nodes, Len says %d", count, tr.Len())
	}
}

func TestBalanceUnderInsertAndDelete(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	tr := &Tree{}
	live := map[string]bool{}
	for i := range 3000 {
		name := fmt.Sprintf("n%d.example.", rng.Intn(800))
		rr := mustRR(t, name+" 3600 IN A 127.0.0.1")
		if rng.Intn(3) == 0 {
			tr.Delete(rr)
			delete(live, name)
		} else {
			tr.Insert(rr)
			live[name] = true
		}
		switch i % 500 {
		case 100:
			if m := tr.Min(); m != nil {
				tr.DeleteMin()
				delete(live, m.Name())
			}
		case 200:
			if m := tr.Max(); m != nil {
				tr.DeleteMax()
				delete(live, m.Name())
			}
		}
		if i%50 == 0 {
			check(t, tr)
		}
	}
	check(t, tr)
	if tr.Len() != len(live) {
		t.Fatalf("Len = %d, want %d", tr.Len(), len(live))
	}
	for name := range live {
		if _, ok := tr.Search(name); !ok {
			t.Fatalf("%s went missing", name)
		}
	}
	for tr.Len() > 0 {
		tr.DeleteMin()
		check(t, tr)
	}
	tr.DeleteMin()
	tr.DeleteMax()
	if tr.Root != nil || tr.Len() != 0 {
		t.Fatal("tree not empty after deleting everything")
	}
}

func TestDeleteKeepsOtherTypes(t *testing.T) {
	tr := &Tree{}
	tr.Insert(mustRR(t, "a.example. 3600 IN A 127.0.0.1"))
	tr.Insert(mustRR(t, "a.example. 3600 IN A 127.0.0.2"))
	tr.Insert(mustRR(t, "a.example. 3600 IN TXT \"x\""))
	tr.Delete(mustRR(t, "a.example. 3600 IN A 127.0.0.1"))
	e, ok := tr.Search("a.example.")
	if !ok || e.Type(dns.TypeA) != nil || len(e.Type(dns.TypeTXT)) != 1 {
		t.Fatalf("after deleting A: %v %v", e, ok)
	}
	tr.Delete(mustRR(t, "a.example. 3600 IN TXT \"x\""))
	if _, ok := tr.Search("a.example."); ok || tr.Len() != 0 {
		t.Fatal("empty name was not removed")
	}
	tr.Delete(mustRR(t, "b.example. 3600 IN TXT \"x\"")) // absent: no-op
}

func TestElem(t *testing.T) {
	e := newElem(mustRR(t, "*.example. 3600 IN A 127.0.0.1"))
	e.Insert(mustRR(t, "*.example. 3600 IN A 127.0.0.2"))
	w := e.TypeForWildcard(dns.TypeA, "x.example.")
	if len(w) != 2 || w[0].Header().Name != "x.example." || w[1].(*dns.A).A.String() != "127.0.0.2" {
		t.Fatalf("TypeForWildcard = %v", w)
	}
	if e.Type(dns.TypeA)[0].Header().Name != "*.example." {
		t.Fatal("TypeForWildcard changed the stored record")
	}
	if e.TypeForWildcard(dns.TypeMX, "x.example.") != nil {
		t.Fatal("TypeForWildcard of an absent type is not nil")
	}
	if e.Empty() || e.Name() != "*.example." {
		t.Fatal("Empty or Name wrong")
	}
	e.Delete(mustRR(t, "*.example. 3600 IN A 127.0.0.1"))
	if !e.Empty() {
		t.Fatal("not empty after deleting the only type")
	}
	var z Elem
	z.Insert(mustRR(t, "a. 3600 IN A 127.0.0.1"))
	z.Delete(mustRR(t, "a. 3600 IN MX 10 a."))
	if len(z.All()) != 1 {
		t.Fatal("zero Elem does not take records")
	}
}

func TestGlue(t *testing.T) {
	tr := &Tree{}
	for _, s := range []string{
		"sub.example. 3600 IN NS ns1.sub.example.",
		"sub.example. 3600 IN NS ns.other.",
		"sub.example. 3600 IN NS ns2.example.",
		"ns1.sub.example. 3600 IN A 192.0.2.1",
		"ns1.sub.example. 3600 IN AAAA 2001:db8::1",
		"ns1.sub.example. 3600 IN RRSIG A 8 3 3600 20300101000000 20200101000000 1 example. AAAA",
		"ns1.sub.example. 3600 IN RRSIG TXT 8 3 3600 20300101000000 20200101000000 1 example. AAAA",
		"ns1.sub.example. 3600 IN TXT \"not glue\"",
		"ns2.example. 3600 IN A 192.0.2.2",
	} {
		tr.Insert(mustRR(t, s))
	}
	e, _ := tr.Search("sub.example.")
	ns := e.Type(dns.TypeNS)
	if g := tr.Glue(ns, false); len(g) != 2 {
		t.Errorf("Glue = %v, want the A and AAAA of ns1.sub.example.", g)
	}
	if g := tr.Glue(ns, true); len(g) != 3 || g[1].Header().Rrtype != dns.TypeRRSIG {
		t.Errorf("Glue with DO = %v, want A, its RRSIG, AAAA", g)
	}
}

func TestAuthWalk(t *testing.T) {
	tr := &Tree{}
	for _, s := range []string{
		"a.example. 3600 IN A 192.0.2.1",
		"sub.example. 3600 IN NS ns.sub.example.",
		"sub.example. 3600 IN DS 1 8 2 AAAA",
		"ns.sub.example. 3600 IN A 192.0.2.2",
		"deep.ns.sub.example. 3600 IN A 192.0.2.3",
		"subway.example. 3600 IN A 192.0.2.4",
		"z.example. 3600 IN A 192.0.2.5",
	} {
		tr.Insert(mustRR(t, s))
	}
	got := map[string]bool{}
	tr.AuthWalk(func(e *Elem, _ map[uint16][]dns.RR, auth bool) error {
		got[e.Name()] = auth
		return nil
	})
	want := map[string]bool{
		"a.example.": true, "sub.example.": true, "ns.sub.example.": false,
		"deep.ns.sub.example.": false, "subway.example.": true, "z.example.": true,
	}
	for n, a := range want {
		if got[n] != a {
			t.Errorf("AuthWalk: %s auth = %v, want %v", n, got[n], a)
		}
	}
}

func TestPrint(t *testing.T) {
	tr := &Tree{}
	tr.Print()
	tr.Insert(mustRR(t, "a.example. 3600 IN A 192.0.2.1"))
	tr.Insert(mustRR(t, "b.example. 3600 IN A 192.0.2.1"))
	tr.Print()
}

func BenchmarkSearch(b *testing.B) {
	tr := &Tree{}
	for i := range 10000 {
		tr.Insert(mustRR(b, fmt.Sprintf("host-%d.example.org. 3600 IN A 192.0.2.1", i)))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, ok := tr.Search("host-4711.example.org."); !ok {
			b.Fatal("not found")
		}
	}
}

// TestSearchIndex checks that the exact-name index agrees with a walk down
// the tree through random inserts and deletes, and that a tree assembled by
// hand is still searched.
func TestSearchIndex(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	tr := &Tree{}
	present := map[string]bool{}
	name := func() string { return fmt.Sprintf("n%d.Example.org.", rng.Intn(200)) }
	for i := range 2000 {
		n := name()
		switch op := rng.Intn(10); {
		case op < 6:
			tr.Insert(mustRR(t, n+" 3600 IN A 192.0.2.1"))
			present[dns.CanonicalName(n)] = true
		case op < 8:
			tr.Delete(mustRR(t, n+" 3600 IN A 192.0.2.1"))
			delete(present, dns.CanonicalName(n))
		case op == 8 && tr.Len() > 0:
			delete(present, dns.CanonicalName(tr.Min().Name()))
			tr.DeleteMin()
		case tr.Len() > 0:
			delete(present, dns.CanonicalName(tr.Max().Name()))
			tr.DeleteMax()
		}
		if tr.Len() != len(present) || len(tr.index) != tr.Len() {
			t.Fatalf("step %d: Len %d, index %d, want %d", i, tr.Len(), len(tr.index), len(present))
		}
		q := name()
		_, got := tr.Search(q)
		var buf [keyBuf]byte
		_, walked := tr.descend(appendKey(buf[:0], q))
		if got != present[dns.CanonicalName(q)] || got != walked {
			t.Fatalf("step %d: Search(%s) = %t, walk %t, want %t", i, q, got, walked, present[dns.CanonicalName(q)])
		}
	}

	// A tree built through Root, without Insert, has no index.
	hand := &Tree{Root: &Node{Elem: newElem(mustRR(t, "a.example.org. 3600 IN A 192.0.2.1")), Color: black}, Count: 1}
	if _, ok := hand.Search("A.example.org."); !ok {
		t.Error("hand-built tree: a.example.org. not found")
	}
}
