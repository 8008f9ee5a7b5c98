package upstream

import (
	"context"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

func TestLookup(t *testing.T) {
	answer := plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A(r.Question[0].Name + " 5 IN A 192.0.2.1")}
		w.WriteMsg(m) //nolint:errcheck // test
		return 0, nil
	})
	cfg := &dnsserver.Config{Zone: "example.org.", Plugin: []plugin.Plugin{func(plugin.Handler) plugin.Handler { return answer }}}
	s, err := dnsserver.NewServer("dns://:0", []*dnsserver.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), dnsserver.Key{}, s)

	req := new(dns.Msg)
	req.SetQuestion("x.example.org.", dns.TypeMX)
	state := request.Request{Req: req, W: &test.ResponseWriter{}}

	m, err := New().Lookup(ctx, state, "target.example.org.", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Answer) != 1 || m.Answer[0].Header().Name != "target.example.org." {
		t.Errorf("unexpected answer %v", m.Answer)
	}
	if req.Question[0].Name != "x.example.org." {
		t.Error("original query was modified")
	}

	if _, err := New().Lookup(context.Background(), state, "a.", dns.TypeA); err == nil {
		t.Error("expected an error without a server in the context")
	}
}
