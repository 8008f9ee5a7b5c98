package dnstest

import (
	"time"

	"github.com/miekg/dns"
)

// MultiRecorder is a dns.ResponseWriter that keeps every message written to
// it, in order; useful for handlers that answer with several messages.
type MultiRecorder struct {
	Len   int
	Msgs  []*dns.Msg
	Start time.Time
	dns.ResponseWriter
}

// NewMultiRecorder wraps w in a MultiRecorder whose clock starts now.
func NewMultiRecorder(w dns.ResponseWriter) *MultiRecorder {
	return &MultiRecorder{ResponseWriter: w, Start: time.Now()}
}

// WriteMsg appends res to Msgs and writes it to the wrapped writer.
func (r *MultiRecorder) WriteMsg(res *dns.Msg) error {
	r.Len += res.Len()
	r.Msgs = append(r.Msgs, res)
	if r.ResponseWriter == nil {
		return nil
	}
	return r.ResponseWriter.WriteMsg(res)
}

// Write records the number of bytes written and writes buf to the wrapped writer.
func (r *MultiRecorder) Write(buf []byte) (int, error) {
	if r.ResponseWriter == nil {
		r.Len += len(buf)
		return len(buf), nil
	}
	n, err := r.ResponseWriter.Write(buf)
	if err == nil {
		r.Len += n
	}
	return n, err
}
