package rewrite

import (
	"crypto/tls"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// TestReverterWrite checks that a reply written as bytes gets the same
// treatment as one written as a message.
func TestReverterWrite(t *testing.T) {
	b := answering([]dns.RR{test.A("site.example.net. 60 IN A 192.0.2.1")}, nil, nil)
	b.writer = func(w dns.ResponseWriter, m *dns.Msg) {
		buf, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := w.Write(buf); err != nil || n != len(buf) {
			t.Errorf("Write returned %d, %v", n, err)
		}
	}
	rw := newRewrite(t, `rewrite name exact front.example.org. site.example.net.`, b)
	req := newQueryMsg("Front.Example.Org.", dns.TypeA)
	reply, _, err := serve(t, rw, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkQuestion(t, "write", req, reply)
	checkReply(t, reply, test.Case{Authoritative: true, Answer: []dns.RR{test.A("front.example.org. 60 IN A 192.0.2.1")}})
}

// rawWriter keeps the bytes written to it.
type rawWriter struct {
	test.ResponseWriter
	buf []byte
}

func (w *rawWriter) Write(buf []byte) (int, error) {
	w.buf = append([]byte(nil), buf...)
	return len(buf), nil
}

func (w *rawWriter) ConnectionState() *tls.ConnectionState {
	return &tls.ConnectionState{ServerName: "x"}
}

func TestReverterWriteGarbage(t *testing.T) {
	raw := &rawWriter{}
	q := newQuery(t.Context(), raw, newQueryMsg("a.example.", dns.TypeA), "a.example.")
	garbage := []byte{1, 2, 3}
	if n, err := q.w.Write(garbage); n != 3 || err != nil {
		t.Fatalf("Write returned %d, %v", n, err)
	}
	if string(raw.buf) != string(garbage) {
		t.Errorf("expected the bytes written as they are, got %v", raw.buf)
	}
}

func TestReverterConnectionState(t *testing.T) {
	q := newQuery(t.Context(), &rawWriter{}, newQueryMsg("a.example.", dns.TypeA), "a.example.")
	if cs := q.w.ConnectionState(); cs == nil || cs.ServerName != "x" {
		t.Errorf("expected the connection state of the client writer, got %v", cs)
	}
	q = newQuery(t.Context(), &test.ResponseWriter{}, newQueryMsg("a.example.", dns.TypeA), "a.example.")
	if cs := q.w.ConnectionState(); cs != nil {
		t.Errorf("expected no connection state, got %v", cs)
	}
}

// TestMultipleQuestions checks that a request with more than one question
// keeps them all.
func TestMultipleQuestions(t *testing.T) {
	b := answering(nil, nil, nil)
	rw := newRewrite(t, `rewrite name exact a.example. b.example.`, b)
	req := newQueryMsg("a.example.", dns.TypeA)
	req.Question = append(req.Question, dns.Question{Name: "c.example.", Qtype: dns.TypeA, Qclass: dns.ClassINET})
	reply, _, _ := serve(t, rw, req, nil)
	if len(b.got.Question) != 2 || b.got.Question[0].Name != "b.example." || b.got.Question[1].Name != "c.example." {
		t.Errorf("backend saw %v", b.got.Question)
	}
	if reply.Question[0] != req.Question[0] {
		t.Errorf("reply question %v", reply.Question)
	}
}

// TestManyResponseRules checks more rules than fit the query's buffer.
func TestManyResponseRules(t *testing.T) {
	b := answering([]dns.RR{test.A("f.example. 60 IN A 192.0.2.1")}, nil, nil)
	rw := newRewrite(t, "rewrite continue name a.example. b.example.\n"+
		"rewrite continue name b.example. c.example.\n"+
		"rewrite continue name c.example. d.example.\n"+
		"rewrite continue name d.example. e.example.\n"+
		"rewrite continue name e.example. f.example.\n"+
		"rewrite ttl f.example. 10", b)
	req := newQueryMsg("a.example.", dns.TypeA)
	reply, _, _ := serve(t, rw, req, nil)
	if b.got.Question[0].Name != "f.example." {
		t.Errorf("backend saw %v", b.got.Question)
	}
	checkQuestion(t, "many", req, reply)
	checkReply(t, reply, test.Case{Authoritative: true, Answer: []dns.RR{test.A("a.example. 10 IN A 192.0.2.1")}})
}
