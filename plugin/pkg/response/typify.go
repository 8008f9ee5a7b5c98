// Package response classifies DNS responses into a small set of types and
// classes so plugins (cache, log, metrics) can treat them uniformly.
package response

import (
	"fmt"
	"time"

	"github.com/miekg/dns"
)

// Type is the kind of response a message represents.
type Type int

const (
	// NoError is a positive answer.
	NoError Type = iota
	// NameError is an NXDOMAIN response carrying an SOA.
	NameError
	// ServerError is a SERVFAIL or NOTIMP response.
	ServerError
	// NoData is a NOERROR response without answers but with an SOA.
	NoData
	// Delegation is a referral: no answers, NS records in the authority section.
	Delegation
	// Meta is a zone transfer or NOTIFY message.
	Meta
	// Update is a dynamic update message.
	Update
	// OtherError is anything not covered above, including expired signatures.
	OtherError
)

var typeToString = [...]string{
	NoError:     "NOERROR",
	NameError:   "NXDOMAIN",
	ServerError: "SERVFAIL",
	NoData:      "NODATA",
	Delegation:  "DELEGATION",
	Meta:        "META",
	Update:      "UPDATE",
	OtherError:  "OTHERERROR",
}

// String returns the upper case name of t, or "" for an unknown Type.
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeToString) {
		return ""
	}
	return typeToString[t]
}

// TypeFromString returns the Type named by s (as produced by Type.String).
func TypeFromString(s string) (Type, error) {
	for t, name := range typeToString {
		if name == s {
			return Type(t), nil
		}
	}
	return NoError, fmt.Errorf("invalid Type: %s", s)
}

// Typify classifies m. The time t is used to check RRSIG validity when the
// message has the DO bit set. The message's OPT record, if any, is returned
// as well.
func Typify(m *dns.Msg, t time.Time) (Type, *dns.OPT) {
	if m == nil {
		return OtherError, nil
	}
	opt := m.IsEdns0()

	switch m.Opcode {
	case dns.OpcodeUpdate:
		return Update, opt
	case dns.OpcodeNotify:
		return Meta, opt
	}
	if len(m.Question) > 0 {
		if qt := m.Question[0].Qtype; qt == dns.TypeAXFR || qt == dns.TypeIXFR {
			return Meta, opt
		}
	}

	// Only a DNSSEC aware client cares about signatures, so only then do we
	// flag a message with stale signatures.
	if opt != nil && opt.Do() && hasExpiredSig(m, t) {
		return OtherError, opt
	}

	if len(m.Answer) > 0 && m.Rcode == dns.RcodeSuccess {
		return NoError, opt
	}

	soa, ns := false, false
	for _, r := range m.Ns {
		switch r.Header().Rrtype {
		case dns.TypeSOA:
			soa = true
		case dns.TypeNS:
			ns = true
		}
	}

	switch {
	case soa && m.Rcode == dns.RcodeSuccess:
		return NoData, opt
	case soa && m.Rcode == dns.RcodeNameError:
		return NameError, opt
	case m.Rcode == dns.RcodeServerFailure || m.Rcode == dns.RcodeNotImplemented:
		return ServerError, opt
	case ns && m.Rcode == dns.RcodeSuccess:
		return Delegation, opt
	case m.Rcode == dns.RcodeSuccess:
		return NoError, opt
	}
	return OtherError, opt
}

// hasExpiredSig reports whether any RRSIG in m is outside its validity period at t.
func hasExpiredSig(m *dns.Msg, t time.Time) bool {
	for _, section := range [...][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, r := range section {
			sig, ok := r.(*dns.RRSIG)
			if !ok {
				continue
			}
			if !sig.ValidityPeriod(t) {
				return true
			}
		}
	}
	return false
}
