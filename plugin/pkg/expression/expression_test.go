package expression

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/expr-lang/expr"
	"github.com/miekg/dns"
)

func TestDefaultEnv(t *testing.T) {
	ctx := metadata.ContextWithMetadata(context.Background())
	metadata.SetValueFunc(ctx, "view/name", func() string { return "blue" })

	q := new(dns.Msg)
	q.SetQuestion("WWW.Example.org.", dns.TypeAAAA)
	q.Id = 1234
	q.SetEdns0(1232, true)
	state := &request.Request{Req: q, W: &test.ResponseWriter{RemoteIP: "192.0.2.9"}}
	tcpState := &request.Request{Req: q, W: &test.ResponseWriter{TCP: true, RemoteIP: "2001:db8::9"}}

	tests := []struct {
		expr  string
		state *request.Request
		want  any
	}{
		{"type()", state, "AAAA"},
		{"name()", state, "www.example.org."},
		{"class()", state, "IN"},
		{"proto()", state, "udp"},
		{"proto()", tcpState, "tcp"},
		{"size()", state, q.Len()},
		{"bufsize()", state, 1232},
		{"bufsize()", tcpState, 65535},
		{"do()", state, true},
		{"id()", state, 1234},
		{"opcode()", state, dns.OpcodeQuery},
		{"client_ip()", state, "192.0.2.9"},
		{"client_ip()", tcpState, "2001:db8::9"},
		{"port()", state, "40212"},
		{"client_port()", state, "40212"},
		{"server_ip()", state, "127.0.0.1"},
		{"server_port()", state, "53"},
		{"metadata('view/name')", state, "blue"},
		{"metadata('no/such')", state, ""},
		{"incidr(client_ip(), '192.0.2.0/24')", state, true},
		{"incidr(client_ip(), '198.51.100.0/24')", state, false},
		{"incidr(client_ip(), '2001:db8::/32')", tcpState, true},
		{"incidr('[2001:db8::1]', '2001:db8::/32')", state, true},
		{"type() in ['A', 'AAAA'] && name() matches '^www\\\\.'", state, true},
	}
	for _, tc := range tests {
		env := DefaultEnv(ctx, tc.state)
		p, err := expr.Compile(tc.expr, expr.Env(env))
		if err != nil {
			t.Errorf("%s: compile: %v", tc.expr, err)
			continue
		}
		got, err := expr.Run(p, env)
		if err != nil {
			t.Errorf("%s: run: %v", tc.expr, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s = %v (%T), want %v (%T)", tc.expr, got, got, tc.want, tc.want)
		}
	}
}

func TestIncidrErrors(t *testing.T) {
	env := DefaultEnv(context.Background(), &request.Request{})
	for _, src := range []string{"incidr('nope', '10.0.0.0/8')", "incidr('10.0.0.1', 'nope')"} {
		p, err := expr.Compile(src, expr.Env(env))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if _, err := expr.Run(p, env); err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}

// Without metadata in the context metadata() gives "".
func TestMetadataAbsent(t *testing.T) {
	env := DefaultEnv(context.Background(), &request.Request{})
	p, err := expr.Compile("metadata('a/b')", expr.Env(env))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := expr.Run(p, env); err != nil || got != "" {
		t.Errorf("got %v, %v; want \"\"", got, err)
	}
}
