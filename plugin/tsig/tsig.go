// Package tsig implements the tsig plugin: it checks TSIG signatures on
// requests, refuses unsigned requests of the query types it must, and signs
// the responses to signed requests.
package tsig

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

var log = clog.NewWithPlugin("tsig")

// TSIGServer is the tsig plugin.
type TSIGServer struct {
	Zones   []string
	secrets map[string]string // key name -> base64 secret
	types   qTypes            // query types that must be signed
	all     bool              // every query type must be signed
	Next    plugin.Handler
}

// qTypes is a set of query types.
type qTypes map[uint16]struct{}

// Name implements plugin.Handler.
func (TSIGServer) Name() string { return "tsig" }

// ServeDNS implements plugin.Handler.
func (t TSIGServer) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	if plugin.Zones(t.Zones).Matches(state.Name()) == "" {
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}

	tsigRR := r.IsTsig()
	if tsigRR == nil {
		if t.required(state.QType()) {
			log.Debugf("Refusing %s request without TSIG from %s", dns.TypeToString[state.QType()], state.IP())
			return dns.RcodeRefused, nil
		}
		return plugin.NextOrFailure(t.Name(), t.Next, ctx, w, r)
	}

	sw := &signingWriter{ResponseWriter: w, tsig: *tsigRR}

	if err := w.TsigStatus(); err != nil {
		log.Debugf("TSIG validation of %s request from %s failed: %v", dns.TypeToString[state.QType()], state.IP(), err)
		switch err {
		case dns.ErrSecret:
			sw.tsig.Error = dns.RcodeBadKey
		case dns.ErrTime:
			sw.tsig.Error = dns.RcodeBadTime
		default:
			sw.tsig.Error = dns.RcodeBadSig
		}
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNotAuth)
		sw.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
		return dns.RcodeSuccess, nil
	}

	// The plugins after this one see the request without its TSIG record;
	// the writer puts one on every response.
	r.Extra = r.Extra[:len(r.Extra)-1]
	rcode, err := plugin.NextOrFailure(t.Name(), t.Next, ctx, sw, r)
	if !plugin.ClientWrite(rcode) {
		// The server writes this error response itself; sign it here so
		// the client can trust it.
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		sw.WriteMsg(m) //nolint:errcheck // the client is gone; nothing to do
		return dns.RcodeSuccess, err
	}
	return rcode, err
}

// required reports whether requests of type qt must be signed.
func (t TSIGServer) required(qt uint16) bool {
	if t.all {
		return true
	}
	_, ok := t.types[qt]
	return ok
}

// signingWriter puts a TSIG record, made after the request's, on every
// message written; the server's writer computes the MAC (or leaves it empty
// for BADKEY and BADSIG).
type signingWriter struct {
	dns.ResponseWriter
	tsig dns.TSIG
}

// WriteMsg implements dns.ResponseWriter.
func (s *signingWriter) WriteMsg(m *dns.Msg) error {
	// A TSIG record written by a later plugin is replaced by ours.
	if len(m.Extra) > 0 && m.Extra[len(m.Extra)-1].Header().Rrtype == dns.TypeTSIG {
		m.Extra = m.Extra[:len(m.Extra)-1]
	}
	now := time.Now().Unix()
	m.SetTsig(s.tsig.Hdr.Name, s.tsig.Algorithm, s.tsig.Fudge, now)
	rr := m.Extra[len(m.Extra)-1].(*dns.TSIG)
	rr.Error = s.tsig.Error
	rr.OrigId = s.tsig.OrigId
	if s.tsig.Error == dns.RcodeBadTime {
		// RFC 8945 5.2.3: tell the client our time.
		var other [6]byte
		binary.BigEndian.PutUint16(other[0:], uint16(uint64(now)>>32))
		binary.BigEndian.PutUint32(other[2:], uint32(now))
		rr.OtherLen = 6
		rr.OtherData = hex.EncodeToString(other[:])
	}
	return s.ResponseWriter.WriteMsg(m)
}
