package dnstest

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// sink is a minimal dns.ResponseWriter that keeps what is written to it.
type sink struct {
	msgs  []*dns.Msg
	bytes int
	err   error
}

func (s *sink) LocalAddr() net.Addr  { return &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53} }
func (s *sink) RemoteAddr() net.Addr { return &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 4000} }
func (s *sink) WriteMsg(m *dns.Msg) error {
	if s.err != nil {
		return s.err
	}
	s.msgs = append(s.msgs, m)
	return nil
}
func (s *sink) Write(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	s.bytes += len(b)
	return len(b), nil
}
func (s *sink) Close() error        { return nil }
func (s *sink) TsigStatus() error   { return nil }
func (s *sink) TsigTimersOnly(bool) {}
func (s *sink) Hijack()             {}

func reply(qname string, rcode int) *dns.Msg {
	q := new(dns.Msg)
	q.SetQuestion(qname, dns.TypeA)
	m := new(dns.Msg)
	m.SetRcode(q, rcode)
	return m
}

func TestNewRecorder(t *testing.T) {
	before := time.Now()
	rec := NewRecorder(&sink{})
	if rec.Rcode != 0 || rec.Len != 0 || rec.Msg != nil {
		t.Fatalf("fresh recorder is not empty: %+v", rec)
	}
	if rec.Start.Before(before) || rec.Start.After(time.Now()) {
		t.Errorf("Start %v not set to creation time", rec.Start)
	}
}

func TestRecorderWriteMsg(t *testing.T) {
	w := &sink{}
	rec := NewRecorder(w)

	first := reply("example.org.", dns.RcodeSuccess)
	second := reply("example.net.", dns.RcodeNameError)
	if err := rec.WriteMsg(first); err != nil {
		t.Fatal(err)
	}
	if err := rec.WriteMsg(second); err != nil {
		t.Fatal(err)
	}

	if rec.Rcode != dns.RcodeNameError {
		t.Errorf("Rcode = %d, want %d", rec.Rcode, dns.RcodeNameError)
	}
	if rec.Msg != second {
		t.Errorf("Msg is not the last message written")
	}
	if want := first.Len() + second.Len(); rec.Len != want {
		t.Errorf("Len = %d, want %d", rec.Len, want)
	}
	if len(w.msgs) != 2 || w.msgs[0] != first || w.msgs[1] != second {
		t.Errorf("messages were not passed through: %v", w.msgs)
	}
}

func TestRecorderWrite(t *testing.T) {
	w := &sink{}
	rec := NewRecorder(w)
	n, err := rec.Write([]byte{1, 2, 3, 4, 5})
	if err != nil || n != 5 {
		t.Fatalf("Write = %d, %v; want 5, nil", n, err)
	}
	if rec.Len != 5 || w.bytes != 5 {
		t.Errorf("Len = %d, passed through %d; want 5 and 5", rec.Len, w.bytes)
	}
}

func TestRecorderPassesErrors(t *testing.T) {
	boom := errors.New("boom")
	rec := NewRecorder(&sink{err: boom})
	if err := rec.WriteMsg(reply("example.org.", dns.RcodeRefused)); !errors.Is(err, boom) {
		t.Errorf("WriteMsg error = %v, want %v", err, boom)
	}
	if rec.Rcode != dns.RcodeRefused {
		t.Errorf("Rcode not recorded on a failed write: %d", rec.Rcode)
	}
	if _, err := rec.Write([]byte{1}); !errors.Is(err, boom) {
		t.Errorf("Write error = %v, want %v", err, boom)
	}
}

func TestMultiRecorder(t *testing.T) {
	w := &sink{}
	rec := NewMultiRecorder(w)
	if rec.Start.IsZero() {
		t.Error("Start not set")
	}
	msgs := []*dns.Msg{
		reply("a.example.org.", dns.RcodeSuccess),
		reply("b.example.org.", dns.RcodeServerFailure),
		reply("c.example.org.", dns.RcodeNameError),
	}
	want := 0
	for _, m := range msgs {
		if err := rec.WriteMsg(m); err != nil {
			t.Fatal(err)
		}
		want += m.Len()
	}
	if len(rec.Msgs) != len(msgs) {
		t.Fatalf("recorded %d messages, want %d", len(rec.Msgs), len(msgs))
	}
	for i := range msgs {
		if rec.Msgs[i] != msgs[i] {
			t.Errorf("message %d out of order", i)
		}
	}
	if rec.Len != want {
		t.Errorf("Len = %d, want %d", rec.Len, want)
	}
	if len(w.msgs) != len(msgs) {
		t.Errorf("passed through %d messages, want %d", len(w.msgs), len(msgs))
	}
	if n, err := rec.Write([]byte{1, 2}); err != nil || n != 2 || rec.Len != want+2 {
		t.Errorf("Write = %d, %v, Len %d", n, err, rec.Len)
	}
}
