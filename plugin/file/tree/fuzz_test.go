package tree

import (
	"testing"

	"github.com/miekg/dns"
)

// FuzzLess checks that the canonical order is antisymmetric and that every
// name equals itself.
func FuzzLess(f *testing.F) {
	for i := range canonical {
		f.Add(canonical[i], canonical[(i+1)%len(canonical)])
	}
	f.Add(`a\000b.`, `a\\.`)
	f.Fuzz(func(t *testing.T, a, b string) {
		if _, ok := dns.IsDomainName(a); !ok {
			return
		}
		if _, ok := dns.IsDomainName(b); !ok {
			return
		}
		ea, eb := &Elem{name: a, key: key(a)}, &Elem{name: b, key: key(b)}
		ab, ba := Less(ea, b), Less(eb, a)
		if sign(ab) != -sign(ba) {
			t.Fatalf("Less not antisymmetric for %q, %q: %d %d", a, b, ab, ba)
		}
		if Less(ea, a) != 0 {
			t.Fatalf("Less(%q, itself) != 0", a)
		}
	})
}
