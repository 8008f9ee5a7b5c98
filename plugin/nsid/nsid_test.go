package nsid

import (
	"context"
	"encoding/hex"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// answerA replies with one A record and, when opt is set, the given OPT record.
func answerA(opt func(r *dns.Msg) *dns.OPT) plugin.Handler {
	return test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		m.Answer = []dns.RR{test.A("n.lab.test. 0 IN A 127.0.0.1")}
		if opt != nil {
			m.Extra = append(m.Extra, opt(r))
		}
		w.WriteMsg(m) //nolint:errcheck // test
		return dns.RcodeSuccess, nil
	})
}

func newNsid(data string, next plugin.Handler) *Nsid {
	return &Nsid{Data: data, hexData: hex.EncodeToString([]byte(data)), Next: next}
}

// query builds an A query for n.lab.test with an OPT record of size bufsize
// (none when 0) carrying the given options.
func query(bufsize int, do bool, opts ...dns.EDNS0) *dns.Msg {
	r := new(dns.Msg)
	r.SetQuestion("n.lab.test.", dns.TypeA)
	if bufsize > 0 {
		o := test.OPT(bufsize, do)
		o.Option = opts
		r.Extra = append(r.Extra, o)
	}
	return r
}

func TestNsid(t *testing.T) {
	emptyNSID := func() dns.EDNS0 { return &dns.EDNS0_NSID{Code: dns.EDNS0NSID} }
	cookie := &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"}

	tests := []struct {
		name     string
		data     string
		next     plugin.Handler
		req      *dns.Msg
		wantOPT  bool
		wantUDP  uint16
		wantDo   bool
		wantOpts []dns.EDNS0 // expected options, in order
	}{
		{
			name: "nsid asked, reply without OPT", data: "lab-node-7", next: answerA(nil),
			req: query(1232, false, emptyNSID()), wantOPT: true, wantUDP: 1232, wantDo: true,
			wantOpts: []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6c61622d6e6f64652d37"}},
		},
		{
			name: "words joined", data: "node in rack 3", next: answerA(nil),
			req: query(4096, false, emptyNSID()), wantOPT: true, wantUDP: 4096, wantDo: true,
			wantOpts: []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6e6f646520696e207261636b2033"}},
		},
		{
			name: "client sent data in the option", data: "lab-node-7", next: answerA(nil),
			req: query(512, false, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6162"}), wantOPT: true, wantUDP: 512, wantDo: true,
			wantOpts: []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6c61622d6e6f64652d37"}},
		},
		{
			name: "reply OPT echoes an NSID option", data: "x",
			next: answerA(func(r *dns.Msg) *dns.OPT {
				o := test.OPT(1232, false)
				o.Option = []dns.EDNS0{cookie, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "ffff"}}
				return o
			}),
			req: query(1232, false, emptyNSID()), wantOPT: true, wantUDP: 1232, wantDo: false,
			wantOpts: []dns.EDNS0{cookie, &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "78"}},
		},
		{
			name: "reply OPT without NSID", data: "x",
			next: answerA(func(r *dns.Msg) *dns.OPT { return test.OPT(1232, true) }),
			req:  query(1232, true, emptyNSID()), wantOPT: true, wantUDP: 1232, wantDo: true,
			wantOpts: []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "78"}},
		},
		{
			name: "EDNS without NSID", data: "x", next: answerA(nil),
			req: query(1232, false, cookie), wantOPT: false,
		},
		{
			name: "no EDNS", data: "x", next: answerA(nil),
			req: query(0, false), wantOPT: false,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			n := newNsid(tc.data, tc.next)
			rcode, err := n.ServeDNS(context.Background(), rec, tc.req)
			if err != nil || rcode != dns.RcodeSuccess {
				t.Fatalf("ServeDNS = %d, %v", rcode, err)
			}
			resp := rec.Msg
			if err := test.SortAndCheck(resp, test.Case{
				Qname: "n.lab.test.", Qtype: dns.TypeA, Authoritative: true,
				Answer: []dns.RR{test.A("n.lab.test. 0 IN A 127.0.0.1")},
				Extra:  resp.Extra, // checked below
			}); err != nil {
				t.Error(err)
			}
			opt := resp.IsEdns0()
			if !tc.wantOPT {
				if opt != nil {
					t.Fatalf("reply has OPT %v, want none", opt)
				}
				return
			}
			if opt == nil {
				t.Fatal("reply has no OPT")
			}
			if opt.UDPSize() != tc.wantUDP || opt.Do() != tc.wantDo {
				t.Errorf("OPT udp=%d do=%v, want udp=%d do=%v", opt.UDPSize(), opt.Do(), tc.wantUDP, tc.wantDo)
			}
			if len(opt.Option) != len(tc.wantOpts) {
				t.Fatalf("options %v, want %v", opt.Option, tc.wantOpts)
			}
			for i := range opt.Option {
				if opt.Option[i].Option() != tc.wantOpts[i].Option() || opt.Option[i].String() != tc.wantOpts[i].String() {
					t.Errorf("option %d is %v, want %v", i, opt.Option[i], tc.wantOpts[i])
				}
			}
		})
	}
}

// TestNsidThroughScrub runs the plugin in front of the server's scrub writer,
// as in a real server, and checks the OPT record the client sees.
func TestNsidThroughScrub(t *testing.T) {
	n := newNsid("lab-node-7", answerA(nil))
	r := query(1232, false, &dns.EDNS0_NSID{Code: dns.EDNS0NSID})
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := n.ServeDNS(context.Background(), request.NewScrubWriter(r, rec), r); err != nil {
		t.Fatal(err)
	}
	opt := rec.Msg.IsEdns0()
	if opt == nil {
		t.Fatal("no OPT in reply")
	}
	if opt.UDPSize() != 1232 || !opt.Do() || opt.Version() != 0 || len(opt.Option) != 1 {
		t.Fatalf("OPT is %v, want udp 1232, DO set, version 0 and one option", opt)
	}
	nsid, ok := opt.Option[0].(*dns.EDNS0_NSID)
	if !ok || nsid.Nsid != "6c61622d6e6f64652d37" {
		t.Errorf("option is %v, want NSID 6c61622d6e6f64652d37", opt.Option[0])
	}
}

func TestNsidNoNext(t *testing.T) {
	n := newNsid("x", nil)
	rcode, err := n.ServeDNS(context.Background(), &test.ResponseWriter{}, query(1232, false, &dns.EDNS0_NSID{Code: dns.EDNS0NSID}))
	if rcode != dns.RcodeServerFailure || err == nil {
		t.Errorf("got %d, %v; want SERVFAIL and an error", rcode, err)
	}
}
