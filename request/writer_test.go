package request

import (
	"testing"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestScrubWriterAddsOPTAndTruncates(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	q.SetEdns0(600, true)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	w := NewScrubWriter(q, rec)

	if err := w.WriteMsg(bigReply(q, 100)); err != nil {
		t.Fatal(err)
	}
	got := rec.Msg
	if got == nil {
		t.Fatal("nothing written")
	}
	if !got.Truncated {
		t.Error("TC not set on a reply larger than the 600 byte buffer")
	}
	if got.Len() > 600 {
		t.Errorf("reply of %d bytes, want at most 600", got.Len())
	}
	o := got.IsEdns0()
	if o == nil || o.UDPSize() != 600 || !o.Do() || o.Version() != 0 {
		t.Errorf("OPT = %v, want one mirroring size 600 and DO", o)
	}
}

func TestScrubWriterPlainQuery(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	w := NewScrubWriter(q, rec)

	m := bigReply(q, 2)
	if err := w.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	if rec.Msg.IsEdns0() != nil || rec.Msg.Truncated || len(rec.Msg.Answer) != 2 {
		t.Errorf("reply changed: %v", rec.Msg)
	}
}

func TestScrubWriterConnectionState(t *testing.T) {
	w := NewScrubWriter(new(dns.Msg), &test.ResponseWriter{})
	if w.ConnectionState() != nil {
		t.Error("ConnectionState() of a plain connection is not nil")
	}
}
