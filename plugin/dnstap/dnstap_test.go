package dnstap

import (
	"context"
	"testing"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/replacer"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	tap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// recordTapper keeps every payload.
type recordTapper struct{ got []*tap.Dnstap }

func (r *recordTapper) Dnstap(p *tap.Dnstap) { r.got = append(r.got, p) }

// answer is a next plugin that answers with one A record.
func answer(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{test.A("example.org. 3600 IN A 192.0.2.1")}
	w.WriteMsg(m) //nolint:errcheck // test writers do not fail
	return dns.RcodeSuccess, nil
}

func fam(f tap.SocketFamily) *tap.SocketFamily        { return &f }
func sproto(p tap.SocketProtocol) *tap.SocketProtocol { return &p }
func port(p uint32) *uint32                           { return &p }

func TestServeDNS(t *testing.T) {
	tests := []struct {
		name     string
		full     bool
		tcp      bool
		extra    string
		wantExtr string
		proto    tap.SocketProtocol
	}{
		{name: "udp", proto: tap.SocketProtocol_UDP},
		{name: "tcp full", full: true, tcp: true, proto: tap.SocketProtocol_TCP},
		{name: "extra", extra: "{type} {/test/label}", wantExtr: "A hello", proto: tap.SocketProtocol_UDP},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordTapper{}
			h := &Dnstap{
				Next:              test.HandlerFunc(answer),
				IncludeRawMessage: tc.full,
				Identity:          []byte("id"),
				Version:           []byte("v"),
				ExtraFormat:       tc.extra,
				io:                rec,
				repl:              replacer.New(),
			}
			ctx := metadata.ContextWithMetadata(context.Background())
			metadata.SetValueFunc(ctx, "test/label", func() string { return "hello" })
			q := new(dns.Msg)
			q.SetQuestion("example.org.", dns.TypeA)
			w := &test.ResponseWriter{TCP: tc.tcp}
			if _, err := h.ServeDNS(ctx, w, q); err != nil {
				t.Fatal(err)
			}
			if len(rec.got) != 2 {
				t.Fatalf("got %d payloads, want 2", len(rec.got))
			}
			var wantQuery, wantResp []byte
			if tc.full {
				wantQuery, _ = q.Pack()
				wantResp = captured(t, q)
			}
			for i, typ := range []tap.Message_Type{tap.Message_CLIENT_QUERY, tap.Message_CLIENT_RESPONSE} {
				p := rec.got[i]
				m := p.Message
				if m.QueryTimeSec == nil || m.QueryTimeNsec == nil {
					t.Fatalf("payload %d has no query time", i)
				}
				want := &tap.Message{
					Type:            typ.Enum(),
					SocketFamily:    fam(tap.SocketFamily_INET),
					SocketProtocol:  sproto(tc.proto),
					QueryAddress:    []byte{10, 240, 0, 1},
					QueryPort:       port(40212),
					ResponseAddress: []byte{127, 0, 0, 1},
					ResponsePort:    port(53),
					QueryTimeSec:    m.QueryTimeSec,
					QueryTimeNsec:   m.QueryTimeNsec,
				}
				if typ == tap.Message_CLIENT_QUERY {
					want.QueryMessage = wantQuery
				} else {
					if m.ResponseTimeSec == nil || m.ResponseTimeNsec == nil {
						t.Fatal("response has no response time")
					}
					want.ResponseTimeSec, want.ResponseTimeNsec = m.ResponseTimeSec, m.ResponseTimeNsec
					want.ResponseMessage = wantResp
				}
				var extra []byte
				if tc.wantExtr != "" {
					extra = []byte(tc.wantExtr)
				}
				wantPayload := &tap.Dnstap{Type: tap.Dnstap_MESSAGE.Enum(), Identity: []byte("id"), Version: []byte("v"), Extra: extra, Message: want}
				if !proto.Equal(p, wantPayload) {
					t.Errorf("payload %d:\n got %v\nwant %v", i, p, wantPayload)
				}
			}
			if *rec.got[0].Message.QueryTimeSec != *rec.got[1].Message.QueryTimeSec || *rec.got[0].Message.QueryTimeNsec != *rec.got[1].Message.QueryTimeNsec {
				t.Error("query and response carry different query times")
			}
		})
	}
}

// capture is a ResponseWriter that keeps what is written.
type capture struct {
	test.ResponseWriter
	msg *dns.Msg
}

func (c *capture) WriteMsg(m *dns.Msg) error { c.msg = m; return nil }

// captured returns the wire format of answer's reply to q.
func captured(t *testing.T, q *dns.Msg) []byte {
	t.Helper()
	c := &capture{}
	answer(context.Background(), c, q) //nolint:errcheck // always succeeds
	buf, err := c.msg.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// Write of a packed message is tapped as well.
func TestResponseWriterWrite(t *testing.T) {
	rec := &recordTapper{}
	h := &Dnstap{IncludeRawMessage: true, io: rec}
	w := &ResponseWriter{ResponseWriter: &test.ResponseWriter{}, Dnstap: h, ctx: context.Background(), query: new(dns.Msg)}
	if n, err := w.Write([]byte{1, 2, 3}); n != 3 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if len(rec.got) != 1 || string(rec.got[0].Message.ResponseMessage) != "\x01\x02\x03" || rec.got[0].Message.GetType() != tap.Message_CLIENT_RESPONSE {
		t.Fatalf("got %v", rec.got)
	}
}

// Messages from other plugins (forward) go out with identity and extra.
func TestTapMessageWithMetadata(t *testing.T) {
	rec := &recordTapper{}
	h := &Dnstap{Identity: []byte("id"), ExtraFormat: "{name}", io: rec, repl: replacer.New()}
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	m := &tap.Message{Type: tap.Message_FORWARDER_QUERY.Enum()}
	h.TapMessageWithMetadata(context.Background(), m, request.Request{W: &test.ResponseWriter{}, Req: q})
	h.TapMessage(m)
	want := []*tap.Dnstap{
		{Type: tap.Dnstap_MESSAGE.Enum(), Identity: []byte("id"), Extra: []byte("example.org."), Message: m},
		{Type: tap.Dnstap_MESSAGE.Enum(), Identity: []byte("id"), Message: m},
	}
	if len(rec.got) != 2 || !proto.Equal(rec.got[0], want[0]) || !proto.Equal(rec.got[1], want[1]) {
		t.Errorf("got %v, want %v", rec.got, want)
	}
}
