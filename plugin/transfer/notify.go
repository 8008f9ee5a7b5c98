package transfer

import (
	"fmt"
	"time"

	"github.com/coredns/coredns/plugin/pkg/rcode"

	"github.com/miekg/dns"
)

// notifyAttempts is how often a NOTIFY is sent to one secondary before
// giving up.
const notifyAttempts = 3

// notifyTimeout is how long one NOTIFY waits for its answer.
const notifyTimeout = 2 * time.Second

// Notify tells the secondaries of zone that it changed: a NOTIFY goes to
// every address of the matching stanza's "to" list (not to "*" or to
// prefixes). It is safe to call on a nil *Transfer.
func (t *Transfer) Notify(zone string) error {
	if t == nil {
		return nil
	}
	zone = dns.Fqdn(zone)
	x := t.match(zone)
	if x == nil {
		return nil
	}
	return notify(zone, x.notifys)
}

// notify sends a NOTIFY for zone to each address in to; failures are
// logged.
func notify(zone string, to []string) error {
	if len(to) == 0 {
		return nil
	}
	m := new(dns.Msg)
	m.SetNotify(zone)
	c := &dns.Client{Net: "udp", Timeout: notifyTimeout}
	for _, addr := range to {
		if err := sendNotify(c, m, addr); err != nil {
			log.Error(err.Error())
			continue
		}
		log.Infof("Sent notify for zone %q to %q", zone, addr)
	}
	return nil
}

// sendNotify sends m to addr until it is acknowledged with NOERROR or the
// attempts are used up.
func sendNotify(c *dns.Client, m *dns.Msg, addr string) error {
	var (
		err  error
		code = dns.RcodeServerFailure
	)
	for range notifyAttempts {
		var ret *dns.Msg
		ret, _, err = c.Exchange(m, addr)
		if err != nil {
			continue
		}
		code = ret.Rcode
		if code == dns.RcodeSuccess {
			return nil
		}
	}
	if err != nil {
		return fmt.Errorf("notify for zone %q was not accepted by %q: %w", m.Question[0].Name, addr, err)
	}
	return fmt.Errorf("notify for zone %q was not accepted by %q: rcode was %q", m.Question[0].Name, addr, rcode.ToString(code))
}
