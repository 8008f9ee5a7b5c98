package test

import (
	"fmt"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// rdataChecker compares the RDATA of two RRs of the same type.
type rdataChecker func(got, want dns.RR) error

// rdataCheckers says, per type, which RDATA fields Section compares. Fields
// that change from run to run (SOA serial, RRSIG times and signature) are
// left out; a type not listed here is compared on its header only.
var rdataCheckers = map[uint16]rdataChecker{
	dns.TypeA:     typed(func(g, w *dns.A) error { return field("address", g.A.String(), w.A.String()) }),
	dns.TypeAAAA:  typed(func(g, w *dns.AAAA) error { return field("address", g.AAAA.String(), w.AAAA.String()) }),
	dns.TypeCNAME: typed(func(g, w *dns.CNAME) error { return field("target", g.Target, w.Target) }),
	dns.TypeDNAME: typed(func(g, w *dns.DNAME) error { return field("target", g.Target, w.Target) }),
	dns.TypeNS:    typed(func(g, w *dns.NS) error { return field("name server", g.Ns, w.Ns) }),
	dns.TypePTR:   typed(func(g, w *dns.PTR) error { return field("pointer", g.Ptr, w.Ptr) }),
	dns.TypeMX: typed(func(g, w *dns.MX) error {
		return first(field("preference", g.Preference, w.Preference), field("exchange", g.Mx, w.Mx))
	}),
	dns.TypeSRV: typed(func(g, w *dns.SRV) error {
		return first(
			field("priority", g.Priority, w.Priority),
			field("weight", g.Weight, w.Weight),
			field("port", g.Port, w.Port),
			field("target", g.Target, w.Target),
		)
	}),
	dns.TypeTXT: typed(func(g, w *dns.TXT) error { return strs("text", g.Txt, w.Txt) }),
	dns.TypeHINFO: typed(func(g, w *dns.HINFO) error {
		return first(field("CPU", g.Cpu, w.Cpu), field("OS", g.Os, w.Os))
	}),
	dns.TypeSOA: typed(func(g, w *dns.SOA) error {
		return first(field("primary name server", g.Ns, w.Ns), field("mailbox", g.Mbox, w.Mbox))
	}),
	dns.TypeRRSIG: typed(func(g, w *dns.RRSIG) error {
		return first(
			field("type covered", dns.Type(g.TypeCovered).String(), dns.Type(w.TypeCovered).String()),
			field("labels", g.Labels, w.Labels),
			field("signer name", g.SignerName, w.SignerName),
		)
	}),
	dns.TypeNSEC: typed(func(g, w *dns.NSEC) error {
		return first(field("next domain", g.NextDomain, w.NextDomain), bitmap(g.TypeBitMap, w.TypeBitMap))
	}),
	dns.TypeDNSKEY: typed(func(g, w *dns.DNSKEY) error {
		return first(
			field("flags", g.Flags, w.Flags),
			field("protocol", g.Protocol, w.Protocol),
			field("algorithm", g.Algorithm, w.Algorithm),
			field("public key", g.PublicKey, w.PublicKey),
		)
	}),
	dns.TypeDS: typed(func(g, w *dns.DS) error {
		return first(
			field("key tag", g.KeyTag, w.KeyTag),
			field("algorithm", g.Algorithm, w.Algorithm),
			field("digest type", g.DigestType, w.DigestType),
			field("digest", strings.ToUpper(g.Digest), strings.ToUpper(w.Digest)),
		)
	}),
	dns.TypeCAA: typed(func(g, w *dns.CAA) error {
		return first(field("flag", g.Flag, w.Flag), field("tag", g.Tag, w.Tag), field("value", g.Value, w.Value))
	}),
	dns.TypeNAPTR: typed(func(g, w *dns.NAPTR) error {
		return first(
			field("order", g.Order, w.Order),
			field("preference", g.Preference, w.Preference),
			field("flags", g.Flags, w.Flags),
			field("service", g.Service, w.Service),
			field("regexp", g.Regexp, w.Regexp),
			field("replacement", g.Replacement, w.Replacement),
		)
	}),
	dns.TypeSVCB:  wholeRdata,
	dns.TypeHTTPS: wholeRdata,
	dns.TypeOPT: typed(func(g, w *dns.OPT) error {
		return first(field("UDP buffer size", g.UDPSize(), w.UDPSize()), field("DO bit", g.Do(), w.Do()))
	}),
}

// typed adapts a checker for one concrete RR type. RRs of the right type
// number but another Go type (RFC 3597 unknown records) fall back to a
// comparison of their RDATA text.
func typed[T dns.RR](f func(got, want T) error) rdataChecker {
	return func(got, want dns.RR) error {
		g, ok1 := got.(T)
		w, ok2 := want.(T)
		if !ok1 || !ok2 {
			return wholeRdata(got, want)
		}
		return f(g, w)
	}
}

// wholeRdata compares the RDATA of two RRs in presentation form.
func wholeRdata(got, want dns.RR) error {
	return field("RDATA", strings.TrimSpace(rdata(got)), strings.TrimSpace(rdata(want)))
}

func field[T comparable](name string, got, want T) error {
	if got != want {
		return fmt.Errorf("%s is %v, expected %v", name, quote(got), quote(want))
	}
	return nil
}

// quote puts strings in quotes so that empty ones and stray dots show.
func quote(v any) any {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return v
}

func strs(name string, got, want []string) error {
	if !slices.Equal(got, want) {
		return fmt.Errorf("%s is %q, expected %q", name, got, want)
	}
	return nil
}

// bitmap compares NSEC type bitmaps as sets: the order types were listed in
// does not matter on the wire.
func bitmap(got, want []uint16) error {
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if slices.Equal(slices.Compact(got), slices.Compact(want)) {
		return nil
	}
	return fmt.Errorf("type bitmap is [%s], expected [%s]", typeList(got), typeList(want))
}

func typeList(types []uint16) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = dns.Type(t).String()
	}
	return strings.Join(names, " ")
}

// first returns the first non-nil error.
func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
