package external

import (
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// The SOA timers of every zone served.
const (
	soaRefresh = 7200
	soaRetry   = 1800
	soaExpire  = 86400
)

// serveApex answers for the zone's own name: SOA and NS (with the name
// server's addresses as glue); any other type is NODATA.
func (e *External) serveApex(state request.Request) (int, error) {
	m := new(dns.Msg)
	m.SetReply(state.Req)
	m.Authoritative = true

	switch state.QType() {
	case dns.TypeSOA:
		m.Answer = []dns.RR{e.soa(state.Zone)}
	case dns.TypeNS:
		m.Answer = []dns.RR{e.ns(state.Zone)}
		m.Extra = e.glue(state, 0)
	default:
		m.Ns = []dns.RR{e.soa(state.Zone)}
	}
	state.W.WriteMsg(m) //nolint:errcheck // the client may be gone; nothing to do
	return dns.RcodeSuccess, nil
}

// serveSubApex answers for names under the apex label (dns.<zone>): the name
// server's own name has its addresses, the apex label itself exists but is
// empty, and anything else does not exist.
func (e *External) serveSubApex(state request.Request) (int, error) {
	m := new(dns.Msg)
	m.SetReply(state.Req)
	m.Authoritative = true

	qname := state.Name()
	switch qname {
	case e.nsName(state.Zone):
		if qt := state.QType(); qt == dns.TypeA || qt == dns.TypeAAAA {
			m.Answer = e.glue(state, qt)
		}
	case e.apexName(state.Zone):
	default:
		m.Rcode = dns.RcodeNameError
	}
	if len(m.Answer) == 0 {
		m.Ns = []dns.RR{e.soa(state.Zone)}
	}
	state.W.WriteMsg(m) //nolint:errcheck // the client may be gone; nothing to do
	return dns.RcodeSuccess, nil
}

// nsName is the name of the zone's name server: ns1.<apex>.<zone>.
func (e *External) nsName(zone string) string { return dnsutil.Join("ns1", e.apex, zone) }

// soa returns the SOA record of zone.
func (e *External) soa(zone string) *dns.SOA {
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: zone, Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: e.ttl},
		Ns:      e.nsName(zone),
		Mbox:    dnsutil.Join(e.hostmaster, e.apex, zone),
		Serial:  e.backend.ExternalSerial(zone),
		Refresh: soaRefresh,
		Retry:   soaRetry,
		Expire:  soaExpire,
		Minttl:  e.ttl,
	}
}

// ns returns the NS record of zone.
func (e *External) ns(zone string) *dns.NS {
	return &dns.NS{
		Hdr: dns.RR_Header{Name: zone, Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: e.ttl},
		Ns:  e.nsName(zone),
	}
}

// glue returns the addresses of the name server, named as the name server,
// of type qtype (A or AAAA), or of both when qtype is 0.
func (e *External) glue(state request.Request, qtype uint16) []dns.RR {
	addrs := e.backend.ExternalAddress(state, e.headless)
	name := e.nsName(state.Zone)
	glue := make([]dns.RR, 0, len(addrs))
	for _, rr := range addrs {
		t := rr.Header().Rrtype
		if (t != dns.TypeA && t != dns.TypeAAAA) || (qtype != 0 && t != qtype) {
			continue
		}
		rr = dns.Copy(rr) // the backend's records are not ours to rename
		rr.Header().Name = name
		rr.Header().Ttl = e.ttl
		glue = append(glue, rr)
	}
	return glue
}
