// Package transfer implements the transfer plugin: it answers AXFR and IXFR
// requests for the zones of any plugin in the chain that implements
// Transferer, and sends NOTIFY messages to secondaries when a zone changes.
package transfer

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("transfer")

// Transfer is the transfer plugin.
type Transfer struct {
	// Transferers are the plugins of the chain that can stream a zone; they
	// are collected when the server starts.
	Transferers []Transferer
	xfrs        []*xfr
	Next        plugin.Handler
}

// xfr is one "transfer" stanza: the zones it covers and who may transfer
// them.
type xfr struct {
	Zones   []string       // origins, lowercased and fully qualified
	to      []string       // every "to" argument, normalised: "*", "host:port" or a prefix
	any     bool           // "*" was given
	allow   []netip.Prefix // clients allowed to transfer
	notifys []string       // "host:port" that get NOTIFY messages
}

// Transferer is implemented by plugins that can hand out a zone.
type Transferer interface {
	// Transfer returns a channel on which the zone's records are sent, a
	// slice at a time, starting and ending with the SOA. When serial is
	// not older than the zone's (an IXFR from a client that is current)
	// only the SOA is sent. A plugin that does not hold zone returns
	// ErrNotAuthoritative.
	Transfer(zone string, serial uint32) (<-chan []dns.RR, error)
}

// ErrNotAuthoritative is returned by a Transferer that does not serve the
// zone asked for.
var ErrNotAuthoritative = errors.New("not authoritative for zone")

// maxEnvelope bounds the records and the wire size of one message of a
// transfer; a message must stay under 64 KiB.
const (
	maxEnvelopeRRs  = 500
	maxEnvelopeSize = 32 * 1024
)

// ServeDNS implements plugin.Handler.
func (t *Transfer) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if r.Opcode != dns.OpcodeQuery || len(r.Question) != 1 {
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}
	qt := r.Question[0].Qtype
	if qt != dns.TypeAXFR && qt != dns.TypeIXFR {
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}
	state := request.Request{W: w, Req: r}
	zone := state.Name()
	x := t.match(zone)
	if x == nil {
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}
	// Zone transfers run over TCP only.
	if state.Proto() != "tcp" {
		return dns.RcodeRefused, nil
	}
	if !x.allowed(state.IP()) {
		return dns.RcodeRefused, nil
	}

	var serial uint32
	if qt == dns.TypeIXFR && len(r.Ns) > 0 {
		if soa, ok := r.Ns[0].(*dns.SOA); ok {
			serial = soa.Serial
		}
	}

	var records <-chan []dns.RR
	for _, p := range t.Transferers {
		ch, err := p.Transfer(zone, serial)
		if errors.Is(err, ErrNotAuthoritative) {
			continue
		}
		if err != nil {
			return dns.RcodeServerFailure, err
		}
		records = ch
		break
	}
	if records == nil {
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}

	n, soaSerial, err := stream(w, r, records)
	if err != nil {
		log.Errorf("Failed to send transfer of zone %q to %s: %v", zone, state.IP(), err)
		return dns.RcodeSuccess, nil // the connection is broken; nothing more to write
	}
	log.Infof("Outgoing transfer of %d records of zone %q to %s for %d SOA serial", n, zone, state.IP(), soaSerial)
	return dns.RcodeSuccess, nil
}

// stream sends the records read from records to the client, packed into
// envelopes. It drains records even when writing fails, so the producer
// never blocks forever.
func stream(w dns.ResponseWriter, r *dns.Msg, records <-chan []dns.RR) (n int, serial uint32, err error) {
	out := make(chan *dns.Envelope)
	var (
		wg     sync.WaitGroup
		outErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		tr := new(dns.Transfer)
		outErr = tr.Out(w, r, out)
		for range out { // drain after a failed write
		}
	}()

	var (
		batch []dns.RR
		size  int
		first = true
	)
	for rrs := range records {
		if first && len(rrs) > 0 {
			if soa, ok := rrs[0].(*dns.SOA); ok {
				serial = soa.Serial
			}
			first = false
		}
		for _, rr := range rrs {
			l := dns.Len(rr)
			if len(batch) > 0 && (len(batch) >= maxEnvelopeRRs || size+l > maxEnvelopeSize) {
				out <- &dns.Envelope{RR: batch}
				n += len(batch)
				batch, size = nil, 0
			}
			batch = append(batch, rr)
			size += l
		}
	}
	if len(batch) > 0 {
		out <- &dns.Envelope{RR: batch}
		n += len(batch)
	}
	close(out)
	wg.Wait()
	return n, serial, outErr
}

// match returns the stanza whose zone is the longest match for qname, or nil.
func (t *Transfer) match(qname string) *xfr {
	var (
		best    *xfr
		bestLen = -1
	)
	for _, x := range t.xfrs {
		z := plugin.Zones(x.Zones).Matches(qname)
		if z != "" && len(z) > bestLen {
			best, bestLen = x, len(z)
		}
	}
	return best
}

// allowed reports whether the client at ip may transfer the stanza's zones.
func (x *xfr) allowed(ip string) bool {
	if x.any {
		return true
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap().WithZone("")
	for _, p := range x.allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Name implements plugin.Handler.
func (Transfer) Name() string { return "transfer" }

// hostOf returns the host part of a "host:port" address.
func hostOf(addr string) string {
	h, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return h
}
