package file

import (
	"github.com/coredns/coredns/plugin/file/tree"
	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

// MaxSerialIncrement is the largest step by which a SOA serial may grow and
// still count as newer (RFC 1982).
const MaxSerialIncrement uint32 = 2147483647

// Transfer streams zone for a zone transfer, as the transfer plugin's
// Transferer interface asks.
func (f File) Transfer(zone string, serial uint32) (<-chan []dns.RR, error) {
	z, ok := f.Z[zone]
	if !ok || z == nil {
		return nil, transfer.ErrNotAuthoritative
	}
	return z.Transfer(serial)
}

// Transfer streams the zone: SOA and apex NS first, then every name in
// canonical order, then the SOA again. When serial is not older than the
// zone's serial (an IXFR from a client that is up to date) only the SOA is
// sent.
func (z *Zone) Transfer(serial uint32) (<-chan []dns.RR, error) {
	apex, err := z.ApexIfDefined()
	if err != nil {
		return nil, err
	}
	z.RLock()
	t := z.Tree
	z.RUnlock()

	soa := apex[0].(*dns.SOA)
	ch := make(chan []dns.RR)
	go func() {
		defer close(ch)
		if serial != 0 && !newerSerial(soa.Serial, serial) {
			ch <- []dns.RR{soa}
			return
		}
		ch <- apex
		t.Walk(func(e *tree.Elem, _ map[uint16][]dns.RR) error { //nolint:errcheck // fn never fails
			ch <- e.All()
			return nil
		})
		ch <- []dns.RR{soa}
	}()
	return ch, nil
}

// newerSerial reports whether serial a is newer than b in RFC 1982 serial
// arithmetic.
func newerSerial(a, b uint32) bool {
	return a != b && a-b <= MaxSerialIncrement
}
