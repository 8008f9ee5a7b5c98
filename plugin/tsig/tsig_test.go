package tsig

import (
	"context"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// tsigWriter is a writer whose TSIG check result is status; it keeps what
// is written.
type tsigWriter struct {
	test.ResponseWriter
	status error
	msgs   []*dns.Msg
}

func (w *tsigWriter) TsigStatus() error { return w.status }
func (w *tsigWriter) WriteMsg(m *dns.Msg) error {
	w.msgs = append(w.msgs, m)
	return nil
}

// answerA answers every query with one A record, and fails for "fail.".
func answerA(extraTsig bool) plugin.Handler {
	return plugin.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		if r.IsTsig() != nil {
			return dns.RcodeServerFailure, nil // the TSIG must be hidden
		}
		if r.Question[0].Name == "refused.example.org." {
			return dns.RcodeRefused, nil
		}
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A 192.0.2.1")}
		if extraTsig {
			m.SetTsig("bogus.", dns.HmacSHA1, 1, 1)
		}
		w.WriteMsg(m) //nolint:errcheck // test
		return dns.RcodeSuccess, nil
	})
}

func TestServeDNS(t *testing.T) {
	const key = "key.example."
	tests := []struct {
		name      string
		qname     string
		qtype     uint16
		signed    bool
		status    error
		all       bool
		extraTsig bool
		rcode     int    // returned
		msgRcode  int    // of the message written, -1 for none
		tsigErr   uint16 // of the TSIG record written
		answers   int
	}{
		{name: "unsigned, not required", qname: "www.example.org.", qtype: dns.TypeA, msgRcode: dns.RcodeSuccess, answers: 1},
		{name: "unsigned, required", qname: "www.example.org.", qtype: dns.TypeAXFR, rcode: dns.RcodeRefused, msgRcode: -1},
		{name: "unsigned, all required", qname: "www.example.org.", qtype: dns.TypeA, all: true, rcode: dns.RcodeRefused, msgRcode: -1},
		{name: "unsigned, other zone", qname: "www.example.net.", qtype: dns.TypeAXFR, msgRcode: dns.RcodeSuccess, answers: 1},
		{name: "signed, good", qname: "www.example.org.", qtype: dns.TypeA, signed: true, msgRcode: dns.RcodeSuccess, answers: 1},
		{name: "signed, plugin adds tsig", qname: "www.example.org.", qtype: dns.TypeA, signed: true, extraTsig: true, msgRcode: dns.RcodeSuccess, answers: 1},
		{name: "signed, error from the chain", qname: "refused.example.org.", qtype: dns.TypeA, signed: true, msgRcode: dns.RcodeRefused},
		{name: "bad key", qname: "www.example.org.", qtype: dns.TypeA, signed: true, status: dns.ErrSecret, msgRcode: dns.RcodeNotAuth, tsigErr: dns.RcodeBadKey},
		{name: "bad sig", qname: "www.example.org.", qtype: dns.TypeA, signed: true, status: dns.ErrSig, msgRcode: dns.RcodeNotAuth, tsigErr: dns.RcodeBadSig},
		{name: "bad time", qname: "www.example.org.", qtype: dns.TypeA, signed: true, status: dns.ErrTime, msgRcode: dns.RcodeNotAuth, tsigErr: dns.RcodeBadTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := TSIGServer{
				Zones: []string{"example.org."},
				types: qTypes{dns.TypeAXFR: {}},
				all:   tc.all,
				Next:  answerA(tc.extraTsig),
			}
			m := new(dns.Msg)
			m.SetQuestion(tc.qname, tc.qtype)
			if tc.signed {
				m.SetTsig(key, dns.HmacSHA256, 300, time.Now().Unix())
			}
			w := &tsigWriter{status: tc.status}
			rcode, err := ts.ServeDNS(context.Background(), w, m)
			if err != nil {
				t.Fatal(err)
			}
			if rcode != tc.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[rcode], dns.RcodeToString[tc.rcode])
			}
			if tc.msgRcode < 0 {
				if len(w.msgs) != 0 {
					t.Errorf("wrote %v", w.msgs)
				}
				return
			}
			if len(w.msgs) != 1 {
				t.Fatalf("%d messages written", len(w.msgs))
			}
			r := w.msgs[0]
			if r.Rcode != tc.msgRcode || len(r.Answer) != tc.answers || r.Id != m.Id {
				t.Errorf("answer %v", r)
			}
			tsig := r.IsTsig()
			if !tc.signed {
				if tsig != nil || len(r.Extra) != 0 {
					t.Errorf("unsigned request got extra %v", r.Extra)
				}
				return
			}
			if tsig == nil || len(r.Extra) != 1 {
				t.Fatalf("signed request got extra %v", r.Extra)
			}
			if tsig.Hdr.Name != key || tsig.Algorithm != dns.HmacSHA256 || tsig.Fudge != 300 || tsig.Error != tc.tsigErr || tsig.OrigId != m.Id {
				t.Errorf("TSIG record %v", tsig)
			}
			if (tc.tsigErr == dns.RcodeBadTime) != (tsig.OtherLen == 6) {
				t.Errorf("TSIG other data %q", tsig.OtherData)
			}
		})
	}
}
