package file

import (
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// serveNotify handles a NOTIFY for zone. One from a primary of the zone is
// acknowledged and, when the primary holds a newer serial, the zone is
// transferred again; any other is dropped without an answer.
func (f File) serveNotify(w dns.ResponseWriter, r *dns.Msg, state request.Request, zone string, z *Zone) (int, error) {
	if !z.isNotify(state.IP()) {
		log.Infof("Dropping notify from %s for %s", state.IP(), zone)
		return dns.RcodeSuccess, nil
	}

	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	w.WriteMsg(m) //nolint:errcheck // the primary retries

	log.Infof("Notify from %s for %s: checking transfer", state.IP(), zone)
	ok, err := z.shouldTransfer()
	if err != nil {
		log.Warningf("Notify from %s for %s: failed primary check: %s", state.IP(), zone, err)
	}
	if !ok {
		if err == nil {
			log.Infof("Notify from %s for %s: no SOA serial increase seen", state.IP(), zone)
		}
		return dns.RcodeSuccess, nil
	}
	transferIn := f.TransferInFunc
	if transferIn == nil {
		transferIn = (*Zone).TransferIn
	}
	if err := transferIn(z, f.Xfer); err != nil {
		log.Errorf("Notify from %s for %s: transfer failed: %v", state.IP(), zone, err)
	}
	return dns.RcodeSuccess, nil
}
