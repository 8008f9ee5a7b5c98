package forward

import (
	"testing"

	"github.com/coredns/caddy"
)

// FuzzParse feeds arbitrary forward stanzas to the parser: it must return a
// Forward or an error, never panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"forward . 127.0.0.1",
		"forward example.org tls://127.0.0.1%dns.example:853 https://[::1]",
		"forward . 127.0.0.1 {\nexcept a.example\nhealth_check 1s no_rec domain x.\npolicy round_robin\n}",
		"forward . 127.0.0.1 {\nnext NXDOMAIN\nfailover SERVFAIL\nmax_concurrent 10\n}",
		"forward . tls://fe80::1%eth0",
		"forward 10.0.0.0/8 127.0.0.1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		fs, err := parseForward(caddy.NewTestController("dns", input))
		if err != nil {
			return
		}
		for _, fw := range fs {
			if fw.Len() == 0 || fw.Len() > maxUpstreams {
				t.Fatalf("%q: parsed with %d upstreams", input, fw.Len())
			}
		}
	})
}
