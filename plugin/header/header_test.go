package header

import (
	"context"
	"testing"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestServeDNS(t *testing.T) {
	tests := []struct {
		name   string
		rules  string
		in     dns.MsgHdr // flags of the query
		next   dns.MsgHdr // extra flags the next plugin sets on its reply
		seen   dns.MsgHdr // flags of the query as the next plugin sees it
		client dns.MsgHdr // flags of the response the client gets
	}{
		{
			name:   "set ra, clear aa",
			rules:  "response set ra\nresponse clear aa",
			in:     dns.MsgHdr{RecursionDesired: true},
			next:   dns.MsgHdr{Authoritative: true},
			seen:   dns.MsgHdr{RecursionDesired: true},
			client: dns.MsgHdr{Response: true, RecursionDesired: true, RecursionAvailable: true},
		},
		{
			name:   "query clear rd",
			rules:  "query clear rd\nresponse set aa ra",
			in:     dns.MsgHdr{RecursionDesired: true},
			seen:   dns.MsgHdr{},
			client: dns.MsgHdr{Response: true, Authoritative: true, RecursionAvailable: true},
		},
		{
			name:   "query set rd, response clear then set rd",
			rules:  "query set rd\nresponse clear ra rd\nresponse set rd",
			in:     dns.MsgHdr{},
			next:   dns.MsgHdr{Authoritative: true, RecursionAvailable: true},
			seen:   dns.MsgHdr{RecursionDesired: true},
			client: dns.MsgHdr{Response: true, Authoritative: true, RecursionDesired: true},
		},
		{
			name:   "response clear rd",
			rules:  "response clear rd",
			in:     dns.MsgHdr{RecursionDesired: true},
			seen:   dns.MsgHdr{RecursionDesired: true},
			client: dns.MsgHdr{Response: true},
		},
		{
			name:   "query only leaves response alone",
			rules:  "query set rd",
			in:     dns.MsgHdr{},
			next:   dns.MsgHdr{Authoritative: true},
			seen:   dns.MsgHdr{RecursionDesired: true},
			client: dns.MsgHdr{Response: true, Authoritative: true, RecursionDesired: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := parse(caddy.NewTestController("dns", "header {\n"+tc.rules+"\n}"))
			if err != nil {
				t.Fatal(err)
			}
			var seen dns.MsgHdr
			h.Next = test.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
				seen = r.MsgHdr
				m := new(dns.Msg)
				m.SetReply(r)
				m.Authoritative = tc.next.Authoritative
				m.RecursionAvailable = tc.next.RecursionAvailable
				m.Answer = []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")}
				w.WriteMsg(m)
				return dns.RcodeSuccess, nil
			})
			q := new(dns.Msg)
			q.SetQuestion("example.org.", dns.TypeA)
			q.Id = 7
			q.RecursionDesired = tc.in.RecursionDesired
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			if rc, err := h.ServeDNS(context.Background(), rec, q); rc != 0 || err != nil {
				t.Fatalf("ServeDNS = %d, %v", rc, err)
			}
			tc.seen.Id = 7
			if seen != tc.seen {
				t.Errorf("next plugin saw %+v, want %+v", seen, tc.seen)
			}
			tc.client.Id = 7
			if rec.Msg.MsgHdr != tc.client {
				t.Errorf("client got %+v, want %+v", rec.Msg.MsgHdr, tc.client)
			}
			want := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 60 IN A 192.0.2.1")}}
			if err := test.SortAndCheck(rec.Msg, want); err != nil {
				t.Error(err)
			}
		})
	}
}

// An error the next plugin leaves to the server to write is passed on.
func TestServeDNSError(t *testing.T) {
	h, err := parse(caddy.NewTestController("dns", "header {\nresponse set ra\n}"))
	if err != nil {
		t.Fatal(err)
	}
	h.Next = test.NextHandler(dns.RcodeRefused, nil)
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rc, _ := h.ServeDNS(context.Background(), rec, q)
	if rc != dns.RcodeRefused || rec.Msg != nil {
		t.Errorf("got rcode %d and message %v, want REFUSED and nothing written", rc, rec.Msg)
	}
}
