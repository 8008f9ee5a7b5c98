// Package edns holds helpers for handling EDNS0 in requests.
package edns

import (
	"errors"
	"sync"

	"github.com/miekg/dns"
)

// supported is the set of EDNS0 option codes echoed back to clients: those
// the server itself handles (NSID, EXPIRE, COOKIE, TCP keepalive, padding)
// and those plugins register at setup. Lookups happen per request.
var supported = struct {
	sync.RWMutex
	m map[uint16]struct{}
}{m: map[uint16]struct{}{
	dns.EDNS0NSID:         {},
	dns.EDNS0EXPIRE:       {},
	dns.EDNS0COOKIE:       {},
	dns.EDNS0TCPKEEPALIVE: {},
	dns.EDNS0PADDING:      {},
}}

// SetSupportedOption marks the EDNS0 option code as understood, so it is
// passed on instead of being scrubbed from requests.
func SetSupportedOption(option uint16) {
	supported.Lock()
	supported.m[option] = struct{}{}
	supported.Unlock()
}

// SupportedOption reports whether option was registered with SetSupportedOption.
func SupportedOption(option uint16) bool {
	supported.RLock()
	_, ok := supported.m[option]
	supported.RUnlock()
	return ok
}

// errBadVers is returned together with a BADVERS response.
var errBadVers = errors.New("EDNS0 BADVERS")

// Version checks the EDNS version of req. Only version 0 exists; for any
// other version a BADVERS response (RFC 6891, section 6.1.3) is returned with
// a non-nil error. Requests without OPT or with version 0 yield (nil, nil).
func Version(req *dns.Msg) (*dns.Msg, error) {
	opt := req.IsEdns0()
	if opt == nil || opt.Version() == 0 {
		return nil, nil
	}

	m := new(dns.Msg)
	m.SetReply(req)

	o := new(dns.OPT)
	o.Hdr.Name = "."
	o.Hdr.Rrtype = dns.TypeOPT
	o.SetVersion(0)
	o.SetExtendedRcode(dns.RcodeBadVers)
	m.Rcode = dns.RcodeBadVers
	m.Extra = []dns.RR{o}

	return m, errBadVers
}

// Size returns the message size usable on proto: the full 64K for "tcp" and
// the advertised size for UDP, but never less than 512 bytes.
func Size(proto string, size uint16) uint16 {
	if proto == "tcp" {
		return dns.MaxMsgSize
	}
	if size < dns.MinMsgSize {
		return dns.MinMsgSize
	}
	return size
}
