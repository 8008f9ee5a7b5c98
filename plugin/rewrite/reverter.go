package rewrite

import (
	"crypto/tls"

	"github.com/miekg/dns"
)

// responseRule changes the reply to a rewritten query before it is written.
type responseRule interface {
	rewriteResponse(q *query, m *dns.Msg)
}

// recordRewriter changes single records of a reply. rewriteRecord returns
// a changed copy of rr, or nil to leave rr as it is; rr itself is never
// modified, as it may be shared (with zone data, a cache).
type recordRewriter interface {
	rewriteRecord(rr dns.RR) dns.RR
}

// reverter is the ResponseWriter the rest of the chain writes a rewritten
// query's reply to. It gives the reply the client's question back and
// applies the response rules, the last applied rule first.
type reverter struct {
	dns.ResponseWriter
	q *query
}

// WriteMsg implements dns.ResponseWriter.
func (w *reverter) WriteMsg(m *dns.Msg) error {
	q := w.q
	if len(m.Question) > 0 {
		// A fresh slice: m.Question may be the one of the request copy.
		q.respQ[0] = q.orig.Question[0]
		m.Question = q.respQ[:]
	}
	q.own = [3]bool{}
	for i := len(q.rules) - 1; i >= 0; i-- {
		q.rules[i].rewriteResponse(q, m)
	}
	if q.optNew {
		// The client sent no OPT record, so the reply must not have one.
		q.removeOPT(m)
	}
	return w.ResponseWriter.WriteMsg(m)
}

// Write implements dns.ResponseWriter. The reply is unpacked so the rules
// can apply; what cannot be unpacked is written as it is.
func (w *reverter) Write(buf []byte) (int, error) {
	m := new(dns.Msg)
	if err := m.Unpack(buf); err != nil {
		return w.ResponseWriter.Write(buf)
	}
	if err := w.WriteMsg(m); err != nil {
		return 0, err
	}
	return len(buf), nil
}

// ConnectionState returns the TLS state of the client connection, or nil.
func (w *reverter) ConnectionState() *tls.ConnectionState {
	if c, ok := w.ResponseWriter.(interface {
		ConnectionState() *tls.ConnectionState
	}); ok {
		return c.ConnectionState()
	}
	return nil
}

// rewriteRecords passes every record of m but the OPT record through rw.
func (q *query) rewriteRecords(m *dns.Msg, rw recordRewriter) {
	m.Answer = q.rewriteSection(m.Answer, 0, rw)
	m.Ns = q.rewriteSection(m.Ns, 1, rw)
	m.Extra = q.rewriteSection(m.Extra, 2, rw)
}

// rewriteSection copies the section the first time one of its records
// changes, so a slice the writer may share is left alone.
func (q *query) rewriteSection(sec []dns.RR, n int, rw recordRewriter) []dns.RR {
	for i, rr := range sec {
		if rr.Header().Rrtype == dns.TypeOPT {
			continue
		}
		changed := rw.rewriteRecord(rr)
		if changed == nil {
			continue
		}
		if !q.own[n] {
			sec = append([]dns.RR(nil), sec...)
			q.own[n] = true
		}
		sec[i] = changed
	}
	return sec
}

// removeOPT drops the OPT record from the additional section of m.
func (q *query) removeOPT(m *dns.Msg) {
	for i, rr := range m.Extra {
		if rr.Header().Rrtype != dns.TypeOPT {
			continue
		}
		extra := make([]dns.RR, 0, len(m.Extra)-1)
		extra = append(extra, m.Extra[:i]...)
		for _, rr := range m.Extra[i+1:] {
			if rr.Header().Rrtype != dns.TypeOPT {
				extra = append(extra, rr)
			}
		}
		m.Extra = extra
		q.own[2] = true
		return
	}
}

// valueName returns the domain name a record points to, for the types
// whose data names are rewritten.
func valueName(rr dns.RR) (string, bool) {
	switch v := rr.(type) {
	case *dns.CNAME:
		return v.Target, true
	case *dns.DNAME:
		return v.Target, true
	case *dns.NS:
		return v.Ns, true
	case *dns.PTR:
		return v.Ptr, true
	case *dns.MX:
		return v.Mx, true
	case *dns.SRV:
		return v.Target, true
	case *dns.NAPTR:
		return v.Replacement, true
	case *dns.SOA:
		return v.Ns, true
	}
	return "", false
}

// setValueName sets the name valueName returns.
func setValueName(rr dns.RR, name string) {
	switch v := rr.(type) {
	case *dns.CNAME:
		v.Target = name
	case *dns.DNAME:
		v.Target = name
	case *dns.NS:
		v.Ns = name
	case *dns.PTR:
		v.Ptr = name
	case *dns.MX:
		v.Mx = name
	case *dns.SRV:
		v.Target = name
	case *dns.NAPTR:
		v.Replacement = name
	case *dns.SOA:
		v.Ns = name
	}
}
