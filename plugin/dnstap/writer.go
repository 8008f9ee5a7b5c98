package dnstap

import (
	"context"
	"time"

	"github.com/coredns/coredns/plugin/dnstap/msg"
	"github.com/coredns/coredns/request"

	tap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
)

// ResponseWriter taps the response written through it as a CLIENT_RESPONSE
// message.
type ResponseWriter struct {
	dns.ResponseWriter
	*Dnstap

	ctx       context.Context
	query     *dns.Msg
	queryTime time.Time
}

// WriteMsg writes resp to the client, then taps it.
func (w *ResponseWriter) WriteMsg(resp *dns.Msg) error {
	if err := w.ResponseWriter.WriteMsg(resp); err != nil {
		return err
	}
	var raw []byte
	if w.IncludeRawMessage {
		raw, _ = resp.Pack()
	}
	w.tapResponse(raw)
	return nil
}

// Write writes an already packed response to the client, then taps it.
func (w *ResponseWriter) Write(buf []byte) (int, error) {
	n, err := w.ResponseWriter.Write(buf)
	if err != nil {
		return n, err
	}
	var raw []byte
	if w.IncludeRawMessage {
		raw = append([]byte(nil), buf...)
	}
	w.tapResponse(raw)
	return n, nil
}

// tapResponse sends the CLIENT_RESPONSE message; raw is the wire format of
// the response, or nil.
func (w *ResponseWriter) tapResponse(raw []byte) {
	m := new(tap.Message)
	msg.SetType(m, tap.Message_CLIENT_RESPONSE)
	msg.SetQueryTime(m, w.queryTime)
	msg.SetResponseTime(m, time.Now())
	setAddresses(m, w.ResponseWriter)
	m.ResponseMessage = raw
	w.TapMessageWithMetadata(w.ctx, m, request.Request{W: w.ResponseWriter, Req: w.query})
}
