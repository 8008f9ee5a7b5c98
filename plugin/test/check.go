package test

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

// wildcardTTL in an expected RR means "any TTL will do".
const wildcardTTL = 303

// Header checks the rcode of resp and the number of RRs in each of its
// sections against tc. Of the header bits, AA, RA and TC are required to be
// set when tc sets them; a bit tc leaves false is not checked, because most
// cases do not bother to spell out every bit of the reply.
func Header(tc Case, resp *dns.Msg) error {
	if resp == nil {
		return fmt.Errorf("query %s/%s: no response", tc.Qname, dns.Type(tc.Qtype))
	}
	if resp.Rcode != tc.Rcode {
		return fmt.Errorf("query %s/%s: rcode is %s, expected %s",
			tc.Qname, dns.Type(tc.Qtype), rcodeName(resp.Rcode), rcodeName(tc.Rcode))
	}

	bits := []struct {
		name      string
		want, got bool
	}{
		{"AA (authoritative)", tc.Authoritative, resp.Authoritative},
		{"RA (recursion available)", tc.RecursionAvailable, resp.RecursionAvailable},
		{"TC (truncated)", tc.Truncated, resp.Truncated},
	}
	for _, b := range bits {
		if b.want && !b.got {
			return fmt.Errorf("query %s/%s: %s bit is not set, expected it set", tc.Qname, dns.Type(tc.Qtype), b.name)
		}
	}

	counts := []struct {
		sec       sect
		got, want int
	}{
		{Answer, len(resp.Answer), len(tc.Answer)},
		{Ns, len(resp.Ns), len(tc.Ns)},
		{Extra, len(resp.Extra), len(tc.Extra)},
	}
	for _, c := range counts {
		if c.got != c.want {
			return fmt.Errorf("query %s/%s: %s section has %d RRs, expected %d",
				tc.Qname, dns.Type(tc.Qtype), c.sec, c.got, c.want)
		}
	}
	return nil
}

func rcodeName(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rcode)
}

// expected returns the RRs tc expects in section sec.
func expected(tc Case, sec sect) ([]dns.RR, error) {
	switch sec {
	case Answer:
		return tc.Answer, nil
	case Ns:
		return tc.Ns, nil
	case Extra:
		return tc.Extra, nil
	}
	return nil, fmt.Errorf("unknown section %d", int(sec))
}

// Section compares rr, the RRs of section sec of a response, pairwise and in
// order with the RRs tc expects there: owner name, TTL (unless the expected
// TTL is 303), type, class, and the RDATA fields that matter for the type.
func Section(tc Case, sec sect, rr []dns.RR) error {
	want, err := expected(tc, sec)
	if err != nil {
		return err
	}
	if len(rr) != len(want) {
		return fmt.Errorf("%s section has %d RRs, expected %d", sec, len(rr), len(want))
	}
	for i := range rr {
		if err := compareRR(rr[i], want[i]); err != nil {
			return fmt.Errorf("%s RR %d: %w\n\tgot:      %s\n\texpected: %s", sec, i, err, rr[i], want[i])
		}
	}
	return nil
}

// compareRR checks got against want, header first, then RDATA.
func compareRR(got, want dns.RR) error {
	if got == nil || want == nil {
		if got == want {
			return nil
		}
		return fmt.Errorf("one of the RRs is nil")
	}
	g, w := got.Header(), want.Header()
	if g.Name != w.Name {
		return fmt.Errorf("owner name is %q, expected %q", g.Name, w.Name)
	}
	if g.Rrtype != w.Rrtype {
		return fmt.Errorf("type is %s, expected %s", dns.Type(g.Rrtype), dns.Type(w.Rrtype))
	}
	// An OPT record keeps flags in its TTL and the buffer size in its class;
	// those are checked with the RDATA below.
	if g.Rrtype != dns.TypeOPT {
		if w.Ttl != wildcardTTL && g.Ttl != w.Ttl {
			return fmt.Errorf("TTL is %d, expected %d", g.Ttl, w.Ttl)
		}
		if g.Class != w.Class {
			return fmt.Errorf("class is %s, expected %s", dns.Class(g.Class), dns.Class(w.Class))
		}
	}
	if cmp, ok := rdataCheckers[g.Rrtype]; ok {
		return cmp(got, want)
	}
	return nil
}

// CNAMEOrder checks that the answer section of res lists each CNAME before
// the records its target owns, that is in the order a resolver follows the
// chain.
func CNAMEOrder(res *dns.Msg) error {
	for i, rr := range res.Answer {
		cname, ok := rr.(*dns.CNAME)
		if !ok {
			continue
		}
		for j, earlier := range res.Answer[:i] {
			if strings.EqualFold(earlier.Header().Name, cname.Target) {
				return fmt.Errorf("CNAME %d (%s) comes after answer RR %d (%s), which its target owns", i, cname, j, earlier)
			}
		}
	}
	return nil
}

// SortAndCheck sorts the sections of resp, checks its header with Header and
// then each section with Section against the sorted RRs of tc, so neither the
// response nor the case needs to list RRs in any particular order. tc's own
// slices are not reordered.
func SortAndCheck(resp *dns.Msg, tc Case) error {
	if err := Header(tc, resp); err != nil {
		return err
	}
	sort.Sort(RRSet(resp.Answer))
	sort.Sort(RRSet(resp.Ns))
	sort.Sort(RRSet(resp.Extra))

	sortedCase := tc
	sortedCase.Answer = sorted(tc.Answer)
	sortedCase.Ns = sorted(tc.Ns)
	sortedCase.Extra = sorted(tc.Extra)

	sections := []struct {
		sec sect
		rr  []dns.RR
	}{
		{Answer, resp.Answer},
		{Ns, resp.Ns},
		{Extra, resp.Extra},
	}
	var errs []error
	for _, s := range sections {
		err := Section(sortedCase, s.sec, s.rr)
		if err == nil {
			continue
		}
		// Fields that are not compared (a wildcard TTL, an SOA serial) can
		// sort the two sides differently; the order the case was written in
		// may still line up.
		if Section(tc, s.sec, s.rr) == nil {
			continue
		}
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("query %s/%s: %w", tc.Qname, dns.Type(tc.Qtype), errors.Join(errs...))
	}
	return nil
}
