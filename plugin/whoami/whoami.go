// Package whoami implements a plugin that tells the client its own address,
// port and transport.
package whoami

import (
	"context"
	"net"
	"strconv"

	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Whoami answers every query with the client's address (A or AAAA) and an
// SRV record whose port is the client's port, both in the additional section.
type Whoami struct{}

// ServeDNS implements plugin.Handler.
func (wh Whoami) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}

	a := new(dns.Msg)
	a.SetReply(r)
	a.Authoritative = true

	var ip net.IP
	var port int
	switch addr := w.RemoteAddr().(type) {
	case *net.UDPAddr:
		ip, port = addr.IP, addr.Port
	case *net.TCPAddr:
		ip, port = addr.IP, addr.Port
	default:
		ip = net.ParseIP(state.IP())
		port, _ = strconv.Atoi(state.Port())
	}
	qname := state.QName()

	var rr dns.RR
	if ip.To4() != nil {
		rr = &dns.A{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypeA, Class: state.QClass()}, A: ip.To4()}
	} else {
		rr = &dns.AAAA{Hdr: dns.RR_Header{Name: qname, Rrtype: dns.TypeAAAA, Class: state.QClass()}, AAAA: ip}
	}
	// The SRV owner is the transport label prepended to the query name; for
	// the root that is "_udp." rather than the invalid "_udp..".
	owner := "_" + state.Proto() + "." + qname
	if qname == "." {
		owner = "_" + state.Proto() + "."
	}
	srv := &dns.SRV{
		Hdr:    dns.RR_Header{Name: owner, Rrtype: dns.TypeSRV, Class: state.QClass()},
		Port:   uint16(port), //nolint:gosec // ports fit in 16 bits
		Target: ".",
	}
	a.Extra = []dns.RR{rr, srv}

	w.WriteMsg(a) //nolint:errcheck // nothing to do on a failed write
	return 0, nil
}

// Name implements plugin.Handler.
func (wh Whoami) Name() string { return "whoami" }
