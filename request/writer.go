package request

import (
	"crypto/tls"

	"github.com/miekg/dns"
)

// ScrubWriter fits every response it writes to the client's limits: it adds
// the OPT record when the query had one and truncates to the buffer size.
type ScrubWriter struct {
	dns.ResponseWriter
	req *dns.Msg
}

// NewScrubWriter returns a ScrubWriter for the query req.
func NewScrubWriter(req *dns.Msg, w dns.ResponseWriter) *ScrubWriter {
	return &ScrubWriter{ResponseWriter: w, req: req}
}

// WriteMsg scrubs m and writes it.
func (s *ScrubWriter) WriteMsg(m *dns.Msg) error {
	state := Request{Req: s.req, W: s.ResponseWriter}
	state.SizeAndDo(m)
	state.Scrub(m)
	return s.ResponseWriter.WriteMsg(m)
}

// ConnectionState returns the TLS state of the underlying connection, or nil.
func (s *ScrubWriter) ConnectionState() *tls.ConnectionState {
	if c, ok := s.ResponseWriter.(interface {
		ConnectionState() *tls.ConnectionState
	}); ok {
		return c.ConnectionState()
	}
	return nil
}
