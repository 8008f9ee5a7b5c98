// Package chaos answers the CH class TXT queries that name servers use to
// report their version, authors and host name.
package chaos

import (
	"context"
	"os"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// Chaos answers CH TXT queries for version.bind, version.server,
// authors.bind, hostname.bind and id.server; every other query goes on to
// the next plugin.
type Chaos struct {
	Next    plugin.Handler
	Version string
	Authors []string
}

// ServeDNS implements plugin.Handler.
func (c Chaos) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if state.QClass() != dns.ClassCHAOS || state.QType() != dns.TypeTXT {
		return plugin.NextOrFailure(c.Name(), c.Next, ctx, w, r)
	}

	var txts []string
	switch state.Name() {
	case "version.bind.", "version.server.":
		txts = []string{c.Version}
	case "authors.bind.":
		txts = c.Authors
	case "hostname.bind.", "id.server.":
		txts = []string{hostname()}
	default:
		return plugin.NextOrFailure(c.Name(), c.Next, ctx, w, r)
	}

	m := new(dns.Msg)
	m.SetReply(r)
	hdr := dns.RR_Header{Name: state.QName(), Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}
	m.Answer = make([]dns.RR, len(txts))
	for i, t := range txts {
		m.Answer[i] = &dns.TXT{Hdr: hdr, Txt: []string{t}}
	}
	w.WriteMsg(m) //nolint:errcheck // nothing to do on a failed write
	return dns.RcodeSuccess, nil
}

// Name implements plugin.Handler.
func (c Chaos) Name() string { return "chaos" }

// hostname is the name of this host, cut to fit a TXT string; it is looked
// up per query so a renamed host answers with its new name.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "localhost"
	}
	return trim(h)
}

// trim cuts s to the 255 bytes a TXT character-string can hold.
func trim(s string) string {
	if len(s) > 255 {
		return s[:255]
	}
	return s
}
