// Package nonwriter provides a ResponseWriter that keeps the response
// instead of sending it, for plugins that resolve a query internally.
package nonwriter

import (
	"github.com/miekg/dns"
)

// Writer records the message written to it; nothing reaches the client.
type Writer struct {
	dns.ResponseWriter
	Msg *dns.Msg
}

// New returns a Writer wrapping w, whose addresses it reports.
func New(w dns.ResponseWriter) *Writer { return &Writer{ResponseWriter: w} }

// WriteMsg keeps res.
func (w *Writer) WriteMsg(res *dns.Msg) error {
	w.Msg = res
	return nil
}
