// Package dnstest offers helpers for testing DNS handlers: response writers
// that record what was written and a throw-away loopback DNS server.
package dnstest

import (
	"time"

	"github.com/miekg/dns"
)

// Recorder is a dns.ResponseWriter that remembers the last message written,
// its rcode and how many bytes went out, and passes the write on.
type Recorder struct {
	dns.ResponseWriter
	Rcode int
	Len   int
	Msg   *dns.Msg
	Start time.Time
}

// NewRecorder wraps w in a Recorder whose clock starts now.
func NewRecorder(w dns.ResponseWriter) *Recorder {
	return &Recorder{ResponseWriter: w, Start: time.Now()}
}

// WriteMsg records res and writes it to the wrapped writer. Len adds up over
// calls, because a handler may write more than once (prefetching, AXFR).
func (r *Recorder) WriteMsg(res *dns.Msg) error {
	r.Rcode = res.Rcode
	r.Len += res.Len()
	r.Msg = res
	if r.ResponseWriter == nil {
		return nil
	}
	return r.ResponseWriter.WriteMsg(res)
}

// Write records the number of bytes written and writes buf to the wrapped writer.
func (r *Recorder) Write(buf []byte) (int, error) {
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
