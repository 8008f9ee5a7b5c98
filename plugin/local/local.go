// Package local implements a plugin that answers queries for the names that
// should never leave the host (RFC 6761, RFC 6303): localhost., the reverse
// zones 0.in-addr.arpa., 127.in-addr.arpa. and 255.in-addr.arpa., and
// localhost.<domain>.
package local

import (
	"context"
	"net"
	"strings"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Local answers the locally served zones itself.
type Local struct {
	Next plugin.Handler

	// Prefix makes the plugin answer localhost.<domain> for any domain.
	Prefix bool
}

// ttl of every record the plugin makes: a week.
const ttl = 604800

const localhost = "localhost."

// zones the plugin is authoritative for.
var zones = plugin.Zones{localhost, "0.in-addr.arpa.", "127.in-addr.arpa.", "255.in-addr.arpa."}

// loopbackPTR is the only reverse name with a record.
const loopbackPTR = "1.0.0.127.in-addr.arpa."

var (
	loopback4 = net.IPv4(127, 0, 0, 1).To4()
	loopback6 = net.IPv6loopback
)

// ServeDNS implements plugin.Handler.
func (l *Local) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	name := state.Name()

	if l.Prefix && len(name) > len(localhost) && strings.HasPrefix(name, localhost) {
		localhostCount.Inc()
		if clog.D.Value() {
			log.Debugf("Intercepting localhost query for %q %s, from %s", name, state.Type(), state.IP())
		}
		w.WriteMsg(prefixReply(r, state.QName(), state.QType())) //nolint:errcheck // nothing to do on a failed write
		return dns.RcodeSuccess, nil
	}

	zone := zones.Matches(name)
	if zone == "" {
		return plugin.NextOrFailure(l.Name(), l.Next, ctx, w, r)
	}
	qname := state.QName()
	// The zone as the client spelled it, for the owner of the SOA.
	zone = qname[len(qname)-len(zone):]

	w.WriteMsg(zoneReply(r, name, qname, zone, state.QType())) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (l *Local) Name() string { return "local" }

// prefixReply answers a query for localhost.<domain>: the loopback address
// for A and AAAA, no data for other types.
func prefixReply(r *dns.Msg, qname string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(r)
	switch qtype {
	case dns.TypeA:
		m.Answer = []dns.RR{a(qname)}
	case dns.TypeAAAA:
		m.Answer = []dns.RR{aaaa(qname)}
	default:
		m.Ns = []dns.RR{soa(qname)}
	}
	return m
}

// zoneReply answers a query for name (qname as the client wrote it) in one
// of the local zones, whose apex is zone.
func zoneReply(r *dns.Msg, name, qname, zone string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(r)
	switch {
	case len(name) == len(zone): // an apex
		switch qtype {
		case dns.TypeSOA:
			m.Answer = []dns.RR{soa(qname)}
		case dns.TypeNS:
			m.Answer = []dns.RR{ns(qname)}
		case dns.TypeA:
			if name == localhost {
				m.Answer = []dns.RR{a(qname)}
			}
		case dns.TypeAAAA:
			if name == localhost {
				m.Answer = []dns.RR{aaaa(qname)}
			}
		}
	case name == loopbackPTR:
		if qtype == dns.TypePTR {
			m.Answer = []dns.RR{&dns.PTR{Hdr: hdr(qname, dns.TypePTR), Ptr: localhost}}
		}
	case dns.IsSubDomain(localhost, name):
		// Every name below localhost. is the loopback host (RFC 6761 6.3).
		switch qtype {
		case dns.TypeA:
			m.Answer = []dns.RR{a(qname)}
		case dns.TypeAAAA:
			m.Answer = []dns.RR{aaaa(qname)}
		}
	default:
		m.Rcode = dns.RcodeNameError
	}
	if len(m.Answer) == 0 {
		m.Ns = []dns.RR{soa(zone)}
	}
	return m
}

func hdr(owner string, rrtype uint16) dns.RR_Header {
	return dns.RR_Header{Name: owner, Rrtype: rrtype, Class: dns.ClassINET, Ttl: ttl}
}

func a(owner string) dns.RR { return &dns.A{Hdr: hdr(owner, dns.TypeA), A: loopback4} }

func aaaa(owner string) dns.RR { return &dns.AAAA{Hdr: hdr(owner, dns.TypeAAAA), AAAA: loopback6} }

func ns(owner string) dns.RR { return &dns.NS{Hdr: hdr(owner, dns.TypeNS), Ns: localhost} }

func soa(owner string) dns.RR {
	return &dns.SOA{
		Hdr:    hdr(owner, dns.TypeSOA),
		Ns:     localhost,
		Mbox:   "root." + localhost,
		Serial: 1,
		Minttl: ttl,
	}
}
