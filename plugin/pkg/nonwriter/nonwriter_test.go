package nonwriter

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestWriter(t *testing.T) {
	w := New(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if err := w.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	if w.Msg != m {
		t.Error("message not recorded")
	}
	if w.RemoteAddr().String() != "10.240.0.1:40212" {
		t.Errorf("remote address not passed through: %s", w.RemoteAddr())
	}
}
