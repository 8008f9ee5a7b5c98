package rewrite

import (
	"context"
	"net"
	"slices"
	"strconv"
	"testing"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func local(code uint16, data string) *dns.EDNS0_LOCAL {
	return &dns.EDNS0_LOCAL{Code: code, Data: []byte(data)}
}

func nsid(id string) *dns.EDNS0_NSID { return &dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: id} }

func subnet(family uint16, bits uint8, addr string) *dns.EDNS0_SUBNET {
	ip := net.ParseIP(addr)
	if family == 1 {
		ip = ip.To4()
	}
	return &dns.EDNS0_SUBNET{Code: dns.EDNS0SUBNET, Family: family, SourceNetmask: bits, Address: ip}
}

// optText renders options for comparison.
func optText(opts []dns.EDNS0) []string {
	var out []string
	for _, o := range opts {
		out = append(out, strconv.Itoa(int(o.Option()))+"/"+o.String())
	}
	return out
}

func TestEdns0Rules(t *testing.T) {
	cookie := &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"}
	tests := []struct {
		name  string
		rules string
		opts  []dns.EDNS0 // of the query; nil: no OPT record
		w     dns.ResponseWriter
		sent  []dns.EDNS0 // the options the backend must see; nil: no OPT record
	}{
		{"local set, no OPT in the query", `rewrite edns0 local set 0xffee abcd`, nil, nil,
			[]dns.EDNS0{local(0xffee, "abcd")}},
		{"local set hex", `rewrite edns0 local set 0xffee 0x61626364`, []dns.EDNS0{cookie}, nil,
			[]dns.EDNS0{cookie, local(0xffee, "abcd")}},
		{"local set decimal code", `rewrite edns0 local set 65518 abcd`, []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "abcd")}},
		{"local set replaces the first", `rewrite edns0 local set 0xffee new`,
			[]dns.EDNS0{local(0xffee, "old"), cookie, local(0xffee, "second")}, nil,
			[]dns.EDNS0{local(0xffee, "new"), cookie, local(0xffee, "second")}},
		{"local append, present", "rewrite edns0 local append 0xffee new",
			[]dns.EDNS0{local(0xffee, "old")}, nil, []dns.EDNS0{local(0xffee, "old")}},
		{"local append, absent", "rewrite edns0 local append 0xffee new",
			[]dns.EDNS0{local(0xfffe, "other")}, nil, []dns.EDNS0{local(0xfffe, "other"), local(0xffee, "new")}},
		{"local replace, absent", "rewrite edns0 local replace 0xffee new",
			[]dns.EDNS0{cookie}, nil, []dns.EDNS0{cookie}},
		{"local replace, absent and no OPT", "rewrite edns0 local replace 0xffee new", nil, nil, nil},
		{"local replace, present", "rewrite edns0 local replace 0xffee new",
			[]dns.EDNS0{local(0xffee, "old")}, nil, []dns.EDNS0{local(0xffee, "new")}},
		{"local unset", "rewrite edns0 local unset 0xffee",
			[]dns.EDNS0{local(0xffee, "a"), cookie, local(0xffee, "b")}, nil, []dns.EDNS0{cookie}},
		{"local unset, absent", "rewrite edns0 local unset 0xffee", nil, nil, nil},
		{"qname after a name rewrite", "rewrite continue name suffix .example.org. .example.NET.\nrewrite edns0 local set 0xffee {qname}",
			[]dns.EDNS0{}, nil, []dns.EDNS0{local(0xffee, "www.example.net.")}},
		{"qtype", "rewrite edns0 local set 0xffee {qtype}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "\x00\x01")}},
		{"client ip v4", "rewrite edns0 local set 0xffee {client_ip}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "\x0a\xf0\x00\x01")}},
		{"client ip v6", "rewrite edns0 local set 0xffee {client_ip}", []dns.EDNS0{}, &test.ResponseWriter6{},
			[]dns.EDNS0{local(0xffee, string(net.ParseIP("fe80::42:ff:feca:4c65").To16()))}},
		{"client port", "rewrite edns0 local set 0xffee {client_port}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "\x9d\x14")}},
		{"protocol udp", "rewrite edns0 local set 0xffee {protocol}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "udp")}},
		{"protocol tcp", "rewrite edns0 local set 0xffee {protocol}", []dns.EDNS0{}, &test.ResponseWriter{TCP: true},
			[]dns.EDNS0{local(0xffee, "tcp")}},
		{"server ip", "rewrite edns0 local set 0xffee {server_ip}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "\x7f\x00\x00\x01")}},
		{"server ip v6", "rewrite edns0 local set 0xffee {server_ip}", []dns.EDNS0{}, &test.ResponseWriter6{},
			[]dns.EDNS0{local(0xffee, string(net.IPv6loopback))}},
		{"server port", "rewrite edns0 local set 0xffee {server_port}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "\x00\x35")}},
		{"metadata label", "rewrite edns0 local set 0xffee {test/label}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "label value")}},
		{"metadata label without a value", "rewrite edns0 local set 0xffee {test/none}", []dns.EDNS0{}, nil,
			[]dns.EDNS0{local(0xffee, "")}},
		{"several options with continue", "rewrite continue edns0 subnet set 24 56\nrewrite continue edns0 local set 0xfff3 {client_ip}\nrewrite edns0 local set 0xfff4 {protocol}",
			nil, nil, []dns.EDNS0{subnet(1, 24, "10.240.0.0"), local(0xfff3, "\x0a\xf0\x00\x01"), local(0xfff4, "udp")}},
		{"nsid set", "rewrite edns0 nsid set", nil, nil, []dns.EDNS0{nsid("")}},
		{"nsid set, present", "rewrite edns0 nsid set", []dns.EDNS0{nsid("abcd")}, nil, []dns.EDNS0{nsid("")}},
		{"nsid append, present", "rewrite edns0 nsid append", []dns.EDNS0{nsid("abcd")}, nil, []dns.EDNS0{nsid("abcd")}},
		{"nsid replace, absent", "rewrite edns0 nsid replace", []dns.EDNS0{cookie}, nil, []dns.EDNS0{cookie}},
		{"nsid replace, present", "rewrite edns0 nsid replace", []dns.EDNS0{cookie, nsid("abcd")}, nil, []dns.EDNS0{cookie, nsid("")}},
		{"nsid unset", "rewrite edns0 nsid unset", []dns.EDNS0{nsid(""), cookie}, nil, []dns.EDNS0{cookie}},
		{"subnet set v4", "rewrite edns0 subnet set 24 56", nil, nil, []dns.EDNS0{subnet(1, 24, "10.240.0.0")}},
		{"subnet set v4 all bits", "rewrite edns0 subnet set 32 128", nil, nil, []dns.EDNS0{subnet(1, 32, "10.240.0.1")}},
		{"subnet set v4 no bits", "rewrite edns0 subnet set 0 0", nil, nil, []dns.EDNS0{subnet(1, 0, "0.0.0.0")}},
		{"subnet set v6", "rewrite edns0 subnet set 24 56", nil, &test.ResponseWriter6{}, []dns.EDNS0{subnet(2, 56, "fe80::")}},
		{"subnet set v6 64", "rewrite edns0 subnet set 24 64", nil, &test.ResponseWriter6{}, []dns.EDNS0{subnet(2, 64, "fe80::")}},
		{"subnet set replaces", "rewrite edns0 subnet set 16 56", []dns.EDNS0{subnet(1, 8, "192.0.0.0")}, nil,
			[]dns.EDNS0{subnet(1, 16, "10.240.0.0")}},
		{"subnet append, present", "rewrite edns0 subnet append 16 56", []dns.EDNS0{subnet(1, 8, "192.0.0.0")}, nil,
			[]dns.EDNS0{subnet(1, 8, "192.0.0.0")}},
		{"subnet replace, absent", "rewrite edns0 subnet replace 16 56", []dns.EDNS0{}, nil, []dns.EDNS0{}},
		{"subnet unset", "rewrite edns0 subnet unset", []dns.EDNS0{subnet(1, 8, "192.0.0.0"), cookie}, nil, []dns.EDNS0{cookie}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := answering([]dns.RR{test.A("www.example.org. 60 IN A 192.0.2.1")}, nil, nil)
			b.echoOPT = true
			rw := newRewrite(t, tc.rules, b)
			req := newQueryMsg("www.example.org.", dns.TypeA, tc.opts...)
			if tc.opts != nil && len(tc.opts) == 0 {
				req.SetEdns0(1232, false)
			}
			w := tc.w
			if w == nil {
				w = &test.ResponseWriter{}
			}
			ctx := metadata.ContextWithMetadata(context.Background())
			metadata.SetValueFunc(ctx, "test/label", func() string { return "label value" })
			before := req.String()
			rec := dnstest.NewRecorder(w)
			if _, err := rw.ServeDNS(ctx, rec, req); err != nil {
				t.Fatal(err)
			}
			if req.String() != before {
				t.Errorf("the client's request was modified:\n%s", req)
			}
			got := b.got.IsEdns0()
			switch {
			case tc.sent == nil && got != nil:
				t.Fatalf("backend saw an OPT record: %v", got)
			case tc.sent == nil:
			case got == nil:
				t.Fatal("backend saw no OPT record")
			case !slices.Equal(optText(got.Option), optText(tc.sent)):
				t.Errorf("backend saw options\n %q, want\n %q", optText(got.Option), optText(tc.sent))
			}
			if tc.opts == nil && got != nil && got.UDPSize() != dns.DefaultMsgSize {
				t.Errorf("added OPT record has buffer size %d", got.UDPSize())
			}

			reply := rec.Msg
			checkQuestion(t, tc.name, req, reply)
			// A client that sent no OPT record gets none back.
			if ro := reply.IsEdns0(); tc.opts == nil && ro != nil {
				t.Errorf("reply to a query without EDNS0 has an OPT record: %v", ro)
			} else if tc.opts != nil && ro == nil {
				t.Error("reply lost its OPT record")
			}
		})
	}
}

func TestEdns0Revert(t *testing.T) {
	tests := []struct {
		name  string
		rules string
		opts  []dns.EDNS0 // of the query
		sent  []dns.EDNS0 // what the backend sees (and echoes)
		reply []dns.EDNS0 // what the client gets
	}{
		{"set then taken out", "rewrite edns0 local set 0xffee abcd revert",
			[]dns.EDNS0{}, []dns.EDNS0{local(0xffee, "abcd")}, []dns.EDNS0{}},
		{"set over a value the client sent", "rewrite edns0 local set 0xffee abcd revert",
			[]dns.EDNS0{local(0xffee, "mine")}, []dns.EDNS0{local(0xffee, "abcd")}, []dns.EDNS0{local(0xffee, "mine")}},
		{"without revert the echo stays", "rewrite edns0 local set 0xffee abcd",
			[]dns.EDNS0{}, []dns.EDNS0{local(0xffee, "abcd")}, []dns.EDNS0{local(0xffee, "abcd")}},
		{"only the reverted rule is undone", "rewrite continue edns0 local set 0xffee abcd\nrewrite edns0 local replace 0xffee bcde revert",
			[]dns.EDNS0{}, []dns.EDNS0{local(0xffee, "bcde")}, []dns.EDNS0{local(0xffee, "abcd")}},
		{"both reverted", "rewrite continue edns0 local set 0xffee abcd revert\nrewrite edns0 local replace 0xffee bcde revert",
			[]dns.EDNS0{}, []dns.EDNS0{local(0xffee, "bcde")}, []dns.EDNS0{}},
		{"other options stay", "rewrite continue edns0 nsid set revert\nrewrite edns0 subnet set 24 56 revert",
			[]dns.EDNS0{local(0xfffe, "x")}, []dns.EDNS0{local(0xfffe, "x"), nsid(""), subnet(1, 24, "10.240.0.0")}, []dns.EDNS0{local(0xfffe, "x")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := answering(nil, nil, nil)
			b.echoOPT = true
			rw := newRewrite(t, tc.rules, b)
			req := newQueryMsg("www.example.org.", dns.TypeA, tc.opts...)
			reply, _, err := serve(t, rw, req, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := optText(b.got.IsEdns0().Option); !slices.Equal(got, optText(tc.sent)) {
				t.Errorf("backend saw %q, want %q", got, optText(tc.sent))
			}
			ro := reply.IsEdns0()
			if ro == nil {
				t.Fatal("reply has no OPT record")
			}
			if got := optText(ro.Option); !slices.Equal(got, optText(tc.reply)) {
				t.Errorf("client got %q, want %q", got, optText(tc.reply))
			}
		})
	}
}

// TestEdns0NoOPTReply checks a revert when the reply has no OPT record.
func TestEdns0NoOPTReply(t *testing.T) {
	b := answering([]dns.RR{test.A("www.example.org. 60 IN A 192.0.2.1")}, nil, nil)
	rw := newRewrite(t, "rewrite edns0 local set 0xffee abcd revert", b)
	req := newQueryMsg("www.example.org.", dns.TypeA, local(0xffee, "mine"))
	reply, _, err := serve(t, rw, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkQuestion(t, "no OPT", req, reply)
	checkReply(t, reply, test.Case{Authoritative: true, Answer: []dns.RR{test.A("www.example.org. 60 IN A 192.0.2.1")}})
}
