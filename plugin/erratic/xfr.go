package erratic

import (
	"net"

	"github.com/miekg/dns"
)

// zone returns the small zone erratic transfers for origin, without the
// closing SOA. All records have TTL 0.
func zone(origin string) []dns.RR {
	soa := &dns.SOA{
		Hdr: header(origin, dns.TypeSOA),
		Ns:  "sns.dns.icann.org.", Mbox: "noc.dns.icann.org.",
		Serial: 2018050825, Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: 3600,
	}
	a, b := dns.Fqdn("a."+origin), dns.Fqdn("b."+origin)
	if origin == "." {
		a, b = "a.", "b."
	}
	return []dns.RR{
		soa,
		&dns.NS{Hdr: header(origin, dns.TypeNS), Ns: a},
		&dns.NS{Hdr: header(origin, dns.TypeNS), Ns: b},
		&dns.AAAA{Hdr: header(a, dns.TypeAAAA), AAAA: net.ParseIP("2001:bd8::53")},
		&dns.AAAA{Hdr: header(b, dns.TypeAAAA), AAAA: net.ParseIP("2001:500::54")},
	}
}

// xfr answers an AXFR for origin on w. With truncate the closing SOA is left
// out, so the client sees an incomplete transfer.
func xfr(w dns.ResponseWriter, r *dns.Msg, origin string, truncate bool) (int, error) {
	rrs := zone(origin)
	if !truncate {
		rrs = append(rrs, rrs[0])
	}
	ch := make(chan *dns.Envelope, 1)
	ch <- &dns.Envelope{RR: rrs}
	close(ch)
	tr := new(dns.Transfer)
	if err := tr.Out(w, r, ch); err != nil {
		return dns.RcodeServerFailure, err
	}
	return 0, nil
}

// Transfer returns the same small zone for any zone, for use by the transfer
// plugin; it implements transfer.Transferer.
func (e *Erratic) Transfer(zoneName string, _ uint32) (<-chan []dns.RR, error) {
	rrs := zone(dns.Fqdn(zoneName))
	rrs = append(rrs, rrs[0])
	ch := make(chan []dns.RR, 1)
	ch <- rrs
	close(ch)
	return ch, nil
}
