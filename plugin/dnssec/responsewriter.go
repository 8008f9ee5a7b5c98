package dnssec

import (
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// ResponseWriter signs the replies written through it.
type ResponseWriter struct {
	dns.ResponseWriter
	d      *Dnssec
	state  request.Request // the query being answered
	server string
}

// WriteMsg implements the dns.ResponseWriter interface.
func (w *ResponseWriter) WriteMsg(res *dns.Msg) error {
	if len(res.Question) == 0 {
		return w.ResponseWriter.WriteMsg(res)
	}
	rs := request.Request{W: w.ResponseWriter, Req: res}
	zone := plugin.Zones(w.d.zones).Matches(rs.Name())
	if zone == "" {
		return w.ResponseWriter.WriteMsg(res)
	}
	res = w.d.Sign(w.state, zone, res, w.d.now(), w.server)
	w.state.SizeAndDo(res)
	res = w.state.Scrub(res)
	return w.ResponseWriter.WriteMsg(res)
}

// Write implements the dns.ResponseWriter interface. Raw bytes cannot be
// signed and are passed on as they are.
func (w *ResponseWriter) Write(buf []byte) (int, error) {
	log.Warning("Dnssec called with Write: not signing reply")
	return w.ResponseWriter.Write(buf)
}
