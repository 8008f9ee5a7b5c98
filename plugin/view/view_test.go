package view

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

func newView(t *testing.T, input string) *View {
	t.Helper()
	v, err := parse(caddy.NewTestController("dns", input))
	if err != nil {
		t.Fatalf("parse %q: %v", input, err)
	}
	return v
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name  string
		exprs string
		qname string
		qtype uint16
		src   string
		tcp   bool
		want  bool
	}{
		{"no expression", "", "a.example.org.", dns.TypeA, "10.0.0.1", false, true},
		{"cidr in", "expr incidr(client_ip(), '127.0.0.0/30')", "a.example.org.", dns.TypeA, "127.0.0.3", false, true},
		{"cidr out", "expr incidr(client_ip(), '127.0.0.0/30')", "a.example.org.", dns.TypeA, "127.0.0.4", false, false},
		{"ipv6 cidr", "expr incidr(client_ip(), '2001:db8::/32')", "a.example.org.", dns.TypeA, "2001:db8::5", false, true},
		{"type and name", "expr type() == 'TXT' && name() != 'plain.example.org.'", "a.example.org.", dns.TypeTXT, "10.0.0.1", false, true},
		{"type and name excluded", "expr type() == 'TXT' && name() != 'plain.example.org.'", "plain.example.org.", dns.TypeTXT, "10.0.0.1", false, false},
		{"name is lowercased", "expr name() == 'plain.example.org.'", "PLAIN.Example.org.", dns.TypeTXT, "10.0.0.1", false, true},
		{"proto tcp", "expr proto() == 'tcp'", "a.example.org.", dns.TypeA, "10.0.0.1", true, true},
		{"proto udp", "expr proto() == 'tcp'", "a.example.org.", dns.TypeA, "10.0.0.1", false, false},
		{"all must hold", "expr proto() == 'udp'\nexpr type() == 'MX'", "a.example.org.", dns.TypeA, "10.0.0.1", false, false},
		{"all hold", "expr proto() == 'udp'\nexpr type() == 'A'", "a.example.org.", dns.TypeA, "10.0.0.1", false, true},
		{"runtime error is false", "expr incidr(client_ip(), 'bogus')", "a.example.org.", dns.TypeA, "10.0.0.1", false, false},
		{"non boolean is false", "expr name()", "a.example.org.", dns.TypeA, "10.0.0.1", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newView(t, "view test {\n"+tc.exprs+"\n}")
			q := new(dns.Msg)
			q.SetQuestion(tc.qname, tc.qtype)
			state := &request.Request{Req: q, W: &test.ResponseWriter{RemoteIP: tc.src, TCP: tc.tcp}}
			if got := v.Filter(context.Background(), state); got != tc.want {
				t.Errorf("Filter = %t, want %t", got, tc.want)
			}
		})
	}
}

func TestServeDNSPassesThrough(t *testing.T) {
	v := newView(t, "view test {\nexpr type() == 'A'\n}")
	v.Next = test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	})
	tc := test.Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rc, err := v.ServeDNS(context.Background(), rec, tc.Msg())
	if rc != dns.RcodeSuccess || err != nil {
		t.Fatalf("ServeDNS = %d, %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}

	// Without a next plugin the query fails.
	v.Next = nil
	rc, _ = v.ServeDNS(context.Background(), dnstest.NewRecorder(&test.ResponseWriter{}), tc.Msg())
	if rc != dns.RcodeServerFailure {
		t.Errorf("without next: rcode %d, want SERVFAIL", rc)
	}
}

func TestMetadata(t *testing.T) {
	v := newView(t, "view blue")
	if v.ViewName() != "blue" {
		t.Errorf("ViewName = %q", v.ViewName())
	}
	ctx := metadata.ContextWithMetadata(context.Background())
	ctx = v.Metadata(ctx, request.Request{})
	f := metadata.ValueFunc(ctx, "view/name")
	if f == nil {
		t.Fatal("view/name not set")
	}
	if got := f(); got != "blue" {
		t.Errorf("view/name = %q, want blue", got)
	}
}

// Expressions see the metadata in the context they are given: the server
// collects the block's metadata before it runs the filters.
func TestFilterReadsMetadata(t *testing.T) {
	v := newView(t, "view nl {\nexpr metadata('test/country') == 'NL'\n}")
	q := new(dns.Msg)
	q.SetQuestion("a.example.org.", dns.TypeA)
	state := &request.Request{Req: q, W: &test.ResponseWriter{}}

	if v.Filter(context.Background(), state) {
		t.Error("Filter = true without metadata")
	}
	ctx := metadata.ContextWithMetadata(context.Background())
	metadata.SetValueFunc(ctx, "test/country", func() string { return "NL" })
	if !v.Filter(ctx, state) {
		t.Error("Filter = false with the metadata")
	}
}
