package request

import (
	"net"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/edns"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestRequestSize(t *testing.T) {
	tests := []struct {
		name    string
		tcp     bool
		edns    bool
		bufsize uint16
		want    int
	}{
		{"udp no edns", false, false, 0, 512},
		{"udp edns 4096", false, true, 4096, 4096},
		{"udp edns 1232", false, true, 1232, 1232},
		{"udp edns below minimum", false, true, 100, 512},
		{"udp edns zero", false, true, 0, 512},
		{"udp edns 65535", false, true, 65535, 65535},
		{"tcp no edns", true, false, 0, dns.MaxMsgSize},
		{"tcp edns 1232", true, true, 1232, dns.MaxMsgSize},
	}
	for _, tc := range tests {
		m := query("example.org.", dns.TypeA)
		if tc.edns {
			m.SetEdns0(tc.bufsize, false)
		}
		r := Request{Req: m, W: &test.ResponseWriter{TCP: tc.tcp}}
		if got := r.Size(); got != tc.want {
			t.Errorf("%s: Size() = %d, want %d", tc.name, got, tc.want)
		}
		// Cached until Clear.
		m.Extra = nil
		if got := r.Size(); got != tc.want {
			t.Errorf("%s: cached Size() = %d, want %d", tc.name, got, tc.want)
		}
		r.Clear()
		want := 512
		if tc.tcp {
			want = dns.MaxMsgSize
		}
		if got := r.Size(); got != want {
			t.Errorf("%s: Size() after Clear without OPT = %d, want %d", tc.name, got, want)
		}
	}
}

func TestRequestSizeAndDoNoOPT(t *testing.T) {
	r := Request{Req: query("example.org.", dns.TypeA), W: &test.ResponseWriter{}}
	m := new(dns.Msg)
	m.SetReply(r.Req)
	if r.SizeAndDo(m) {
		t.Error("SizeAndDo() = true for a query without OPT")
	}
	if len(m.Extra) != 0 {
		t.Errorf("SizeAndDo() added %v to a reply to a query without OPT", m.Extra)
	}
}

func TestRequestSizeAndDoAddsOPT(t *testing.T) {
	const supported = 65011
	edns.SetSupportedOption(supported)

	tests := []struct {
		name    string
		bufsize uint16
		do      bool
		opts    []dns.EDNS0
		keep    []uint16
	}{
		{"plain", 4096, false, nil, nil},
		{"do", 1232, true, nil, nil},
		{"small buffer kept as sent", 100, false, nil, nil},
		{"unsupported option dropped", 4096, false, []dns.EDNS0{&dns.EDNS0_LOCAL{Code: 65012, Data: []byte{1}}}, nil},
		{"supported option kept", 4096, true, []dns.EDNS0{
			&dns.EDNS0_LOCAL{Code: supported, Data: []byte{1, 2}},
			&dns.EDNS0_LOCAL{Code: 65012, Data: []byte{3}},
		}, []uint16{supported}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := query("example.org.", dns.TypeA)
			q.SetEdns0(tc.bufsize, tc.do)
			q.IsEdns0().Option = tc.opts
			r := Request{Req: q, W: &test.ResponseWriter{}}

			m := new(dns.Msg)
			m.SetReply(q)
			m.Extra = []dns.RR{test.A("example.org. 5 IN A 192.0.2.1")}
			if !r.SizeAndDo(m) {
				t.Fatal("SizeAndDo() = false for a query with OPT")
			}
			if len(m.Extra) != 2 {
				t.Fatalf("Extra = %v, want the A record and one OPT", m.Extra)
			}
			if _, ok := m.Extra[0].(*dns.A); !ok {
				t.Errorf("Extra[0] = %v, want the A record kept first", m.Extra[0])
			}
			o, ok := m.Extra[1].(*dns.OPT)
			if !ok {
				t.Fatalf("Extra[1] = %v, want OPT", m.Extra[1])
			}
			if o.Hdr.Name != "." || o.Version() != 0 || o.UDPSize() != tc.bufsize || o.Do() != tc.do || o.ExtendedRcode() != 0 {
				t.Errorf("OPT = %v; want name . version 0 size %d do %v", o, tc.bufsize, tc.do)
			}
			var codes []uint16
			for _, e := range o.Option {
				codes = append(codes, e.Option())
			}
			if len(codes) != len(tc.keep) {
				t.Fatalf("options %v, want %v", codes, tc.keep)
			}
			for i := range codes {
				if codes[i] != tc.keep[i] {
					t.Errorf("options %v, want %v", codes, tc.keep)
				}
			}
		})
	}
}

func TestRequestSizeAndDoRewritesExistingOPT(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	q.SetEdns0(1232, true)
	r := Request{Req: q, W: &test.ResponseWriter{}}

	m := new(dns.Msg)
	m.SetReply(q)
	// An upstream answer with its own OPT: wrong owner, version 1, other size.
	up := &dns.OPT{Hdr: dns.RR_Header{Name: "example.org.", Rrtype: dns.TypeOPT}}
	up.SetVersion(1)
	up.SetUDPSize(4096)
	up.Option = []dns.EDNS0{&dns.EDNS0_NSID{Code: dns.EDNS0NSID, Nsid: "6869"}}
	m.Extra = []dns.RR{up}

	if !r.SizeAndDo(m) {
		t.Fatal("SizeAndDo() = false for a query with OPT")
	}
	if len(m.Extra) != 1 {
		t.Fatalf("Extra = %v, want one OPT", m.Extra)
	}
	o := m.Extra[0].(*dns.OPT)
	if o.Hdr.Name != "." || o.Version() != 0 || o.UDPSize() != 1232 || !o.Do() {
		t.Errorf("OPT = %v; want name . version 0 size 1232 do", o)
	}
	if len(o.Option) != 1 || o.Option[0].Option() != dns.EDNS0NSID {
		t.Errorf("options = %v, want the reply's own NSID kept", o.Option)
	}
}

func TestRequestSizeAndDoKeepsReplyDO(t *testing.T) {
	// As in CoreDNS, an OPT the reply already has keeps its DO bit even when
	// the query had none; only version and extended rcode are cleared.
	q := query("example.org.", dns.TypeA)
	q.SetEdns0(1232, false)
	r := Request{Req: q, W: &test.ResponseWriter{}}

	m := new(dns.Msg)
	m.SetReply(q)
	m.SetEdns0(4096, true)
	m.IsEdns0().SetExtendedRcode(dns.RcodeBadVers)
	if !r.SizeAndDo(m) {
		t.Fatal("SizeAndDo() = false for a query with OPT")
	}
	o := m.IsEdns0()
	if o.UDPSize() != 1232 || !o.Do() || o.Version() != 0 || o.ExtendedRcode() != 0 {
		t.Errorf("OPT = %v; want size 1232, DO kept, version 0, no extended rcode", o)
	}
}

// bigReply returns a reply to q with n A records.
func bigReply(q *dns.Msg, n int) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(q)
	for i := range n {
		m.Answer = append(m.Answer, &dns.A{
			Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 5},
			A:   net.IPv4(192, 0, 2, byte(i)),
		})
	}
	return m
}

func TestRequestScrubTruncates(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	r := Request{Req: q, W: &test.ResponseWriter{}}
	reply := r.Scrub(bigReply(q, 100))
	if !reply.Truncated {
		t.Error("Scrub() did not set TC on a reply over 512 bytes")
	}
	if reply.Len() > 512 {
		t.Errorf("Scrub() left %d bytes, want at most 512", reply.Len())
	}
	if len(reply.Answer) == 0 || len(reply.Answer) >= 100 {
		t.Errorf("Scrub() kept %d answers, want some but not all", len(reply.Answer))
	}
}

func TestRequestScrubFits(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	r := Request{Req: q, W: &test.ResponseWriter{}}
	reply := r.Scrub(bigReply(q, 3))
	if reply.Truncated || len(reply.Answer) != 3 || reply.Compress {
		t.Errorf("Scrub() of a small reply: TC=%v answers=%d compress=%v; want unchanged", reply.Truncated, len(reply.Answer), reply.Compress)
	}
}

func TestRequestScrubTCPKeepsAll(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	r := Request{Req: q, W: &test.ResponseWriter{TCP: true}}
	reply := r.Scrub(bigReply(q, 200))
	if reply.Truncated || len(reply.Answer) != 200 {
		t.Errorf("Scrub() over TCP: TC=%v answers=%d; want all 200, no TC", reply.Truncated, len(reply.Answer))
	}
	if reply.Compress {
		t.Error("Scrub() over TCP set Compress; only UDP answers are compressed")
	}
}

func TestRequestScrubCompressesLargeUDP(t *testing.T) {
	tests := []struct {
		name     string
		w        dns.ResponseWriter
		answers  int
		compress bool
	}{
		// Uncompressed, each A for example.org. is 27 bytes: 60 → ~1650 bytes.
		{"v4 over 1480", &test.ResponseWriter{}, 60, true},
		{"v4 under 1480", &test.ResponseWriter{}, 50, false},
		{"v6 over 1220", &test.ResponseWriter6{}, 50, true},
		{"v6 under 1220", &test.ResponseWriter6{}, 40, false},
	}
	for _, tc := range tests {
		q := query("example.org.", dns.TypeA)
		q.SetEdns0(4096, false)
		r := Request{Req: q, W: tc.w}
		reply := r.Scrub(bigReply(q, tc.answers))
		if reply.Compress != tc.compress {
			t.Errorf("%s: Compress = %v (len %d), want %v", tc.name, reply.Compress, reply.Len(), tc.compress)
		}
		if reply.Truncated || len(reply.Answer) != tc.answers {
			t.Errorf("%s: TC=%v answers=%d; want nothing dropped", tc.name, reply.Truncated, len(reply.Answer))
		}
	}
}

func TestRequestScrubAlreadyCompressed(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	r := Request{Req: q, W: &test.ResponseWriter{}}
	in := bigReply(q, 100)
	in.Compress = true
	reply := r.Scrub(in)
	if !reply.Compress || !reply.Truncated || reply.Len() > 512 {
		t.Errorf("Scrub() of compressed reply: compress=%v TC=%v len=%d", reply.Compress, reply.Truncated, reply.Len())
	}
}
