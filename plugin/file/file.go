// Package file implements the file plugin: it serves authoritative answers
// from RFC 1035 master files.
package file

import (
	"context"
	"fmt"
	"io"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/fall"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/transfer"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("file")

// File is the file plugin: it answers queries for the zones it holds.
type File struct {
	Next plugin.Handler
	Zones

	// Xfer is the transfer plugin of the same server block, if any: it
	// receives the NOTIFYs to send when a zone changes.
	Xfer *transfer.Transfer

	// ZoneLookupFunc, when set, replaces the matching of a query name
	// against Zones.
	ZoneLookupFunc

	// TransferInFunc, when set, replaces Zone.TransferIn when a NOTIFY
	// from a primary asks for a new transfer.
	TransferInFunc

	Fall fall.F
}

// ZoneLookupFunc finds the zone for qname; ok is false when there is none.
type ZoneLookupFunc func(qname string) (zone string, z *Zone, ok bool)

// Zones are the zones a File serves.
type Zones struct {
	Z     map[string]*Zone // zone data, keyed by origin
	Names []string         // the origins, for matching query names
}

// ServeDNS implements plugin.Handler.
func (f File) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()

	var (
		zone string
		z    *Zone
	)
	if f.ZoneLookupFunc != nil {
		var ok bool
		if zone, z, ok = f.ZoneLookupFunc(qname); !ok {
			zone = ""
		}
	} else {
		zone = plugin.Zones(f.Zones.Names).Matches(qname)
		if zone != "" {
			z = f.Zones.Z[zone]
		}
	}
	if zone == "" {
		if f.Next == nil {
			// Last in the chain: a name outside our zones is refused.
			return dns.RcodeRefused, nil
		}
		return plugin.NextOrFailure(f.Name(), f.Next, ctx, w, r)
	}
	if z == nil {
		return dns.RcodeServerFailure, nil
	}

	// Zone transfers belong to the transfer plugin; when it did not take the
	// query, the transfer is not allowed.
	if qt := state.QType(); qt == dns.TypeAXFR || qt == dns.TypeIXFR {
		return dns.RcodeRefused, nil
	}
	if r.Opcode == dns.OpcodeNotify {
		return f.serveNotify(w, r, state, zone, z)
	}

	z.RLock()
	expired := z.Expired
	z.RUnlock()
	if expired {
		log.Errorf("Zone %s is expired", zone)
		return dns.RcodeServerFailure, nil
	}

	answer, ns, extra, result := z.Lookup(ctx, state, qname)

	if result == NameError && f.Fall.Through(qname) {
		return plugin.NextOrFailure(f.Name(), f.Next, ctx, w, r)
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer, m.Ns, m.Extra = answer, ns, extra

	switch result {
	case NameError:
		m.Rcode = dns.RcodeNameError
	case Delegation:
		m.Authoritative = false
	case ServerFailure:
		// With a CNAME in hand (its target failed to resolve), the client
		// still gets the CNAME; otherwise the server sends a bare SERVFAIL.
		if len(m.Answer) == 0 {
			return dns.RcodeServerFailure, nil
		}
		m.Rcode = dns.RcodeServerFailure
	}

	w.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (f File) Name() string { return "file" }

// serialErr reports that a zone file still carries the serial already
// loaded, so there is nothing to reload.
type serialErr struct {
	origin string
	file   string
	serial int64
}

func (s *serialErr) Error() string {
	return fmt.Sprintf("%s for origin %s in file %s, with %d SOA serial", "no change in SOA serial", s.origin, s.file, s.serial)
}

// Parse reads a zone for origin from f; fileName is used in errors and to
// resolve $INCLUDE. When serial is not negative and the zone's SOA carries
// that serial, Parse stops early with an error: the zone has not changed.
func Parse(f io.Reader, origin string, fileName string, serial int64) (*Zone, error) {
	zp := dns.NewZoneParser(f, dns.Fqdn(origin), fileName)
	zp.SetIncludeAllowed(true)
	z := NewZone(origin, fileName)
	seenSOA := false
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		if soa, isSOA := rr.(*dns.SOA); isSOA && !seenSOA {
			if serial >= 0 && int64(soa.Serial) == serial {
				return nil, &serialErr{origin: origin, file: fileName, serial: serial}
			}
			seenSOA = true
		}
		if err := z.Insert(rr); err != nil {
			return nil, err
		}
	}
	if err := zp.Err(); err != nil {
		return nil, err
	}
	if !seenSOA || z.Apex.SOA == nil {
		return nil, fmt.Errorf("file %q has no SOA record for origin %s", fileName, origin)
	}
	return z, nil
}
