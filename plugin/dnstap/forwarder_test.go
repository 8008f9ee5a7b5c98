package dnstap

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	tap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

func TestTaps(t *testing.T) {
	last := &Dnstap{Next: test.ErrorHandler()}
	first := &Dnstap{Next: last}
	if got := Taps(first); len(got) != 2 || got[0] != first || got[1] != last {
		t.Errorf("Taps(first) = %v", got)
	}
	if got := Taps(test.ErrorHandler()); len(got) != 0 {
		t.Errorf("Taps(other) = %v", got)
	}
	if got := Taps(nil); len(got) != 0 {
		t.Errorf("Taps(nil) = %v", got)
	}
}

func TestTapForwarder(t *testing.T) {
	rec := &recordTapper{}
	h := &Dnstap{IncludeRawMessage: true, Identity: []byte("id"), io: rec}
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	reply := new(dns.Msg)
	reply.SetReply(q)
	state := request.Request{W: &test.ResponseWriter{}, Req: q}
	upstream := &net.TCPAddr{IP: net.ParseIP("192.0.2.53"), Port: 53}
	start := time.Unix(1700000000, 5)

	h.TapForwarder(context.Background(), state, upstream, reply, start)
	h.TapForwarder(context.Background(), state, upstream, nil, start)

	if len(rec.got) != 3 {
		t.Fatalf("got %d payloads, want 3", len(rec.got))
	}
	rawQ, _ := q.Pack()
	rawR, _ := reply.Pack()
	sec, nsec := uint64(1700000000), uint32(5)
	base := func(typ tap.Message_Type) *tap.Message {
		return &tap.Message{
			Type:            typ.Enum(),
			SocketFamily:    tap.SocketFamily_INET.Enum(),
			SocketProtocol:  tap.SocketProtocol_TCP.Enum(),
			QueryAddress:    []byte{10, 240, 0, 1},
			QueryPort:       port(40212),
			ResponseAddress: []byte{192, 0, 2, 53},
			ResponsePort:    port(53),
			QueryTimeSec:    &sec,
			QueryTimeNsec:   &nsec,
		}
	}
	wantQ := base(tap.Message_FORWARDER_QUERY)
	wantQ.QueryMessage = rawQ
	wantR := base(tap.Message_FORWARDER_RESPONSE)
	wantR.ResponseMessage = rawR
	got := rec.got[1].Message
	wantR.ResponseTimeSec, wantR.ResponseTimeNsec = got.ResponseTimeSec, got.ResponseTimeNsec
	if got.ResponseTimeSec == nil {
		t.Fatal("no response time")
	}
	for i, want := range []*tap.Message{wantQ, wantR, wantQ} {
		if !proto.Equal(rec.got[i].Message, want) {
			t.Errorf("payload %d:\n got %v\nwant %v", i, rec.got[i].Message, want)
		}
		if string(rec.got[i].Identity) != "id" {
			t.Errorf("payload %d identity %q", i, rec.got[i].Identity)
		}
	}
}
