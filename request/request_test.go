package request

import (
	"net"
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func query(name string, qtype uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	return m
}

func TestRequestNameCachedAndLowercased(t *testing.T) {
	r := Request{Req: query("WWW.Example.ORG.", dns.TypeA), W: &test.ResponseWriter{}}
	if got := r.Name(); got != "www.example.org." {
		t.Fatalf("Name() = %q, want %q", got, "www.example.org.")
	}
	if got := r.QName(); got != "WWW.Example.ORG." {
		t.Errorf("QName() = %q, want the name as written", got)
	}
	// The cached name survives a change of the message until Clear.
	r.Req.Question[0].Name = "other.example."
	if got := r.Name(); got != "www.example.org." {
		t.Errorf("Name() after change = %q, want cached %q", got, "www.example.org.")
	}
	r.Clear()
	if got := r.Name(); got != "other.example." {
		t.Errorf("Name() after Clear = %q, want %q", got, "other.example.")
	}
}

func TestRequestNameForms(t *testing.T) {
	tests := []struct {
		qname string
		name  string
		qn    string
	}{
		{"example.org.", "example.org.", "example.org."},
		{"example.org", "example.org.", "example.org."}, // not fully qualified on the wire
		{"EXAMPLE.ORG", "example.org.", "EXAMPLE.ORG."},
		{".", ".", "."},
		{"a\\.B.example.", "a\\.b.example.", "a\\.B.example."},
	}
	for _, tc := range tests {
		m := new(dns.Msg)
		m.Question = []dns.Question{{Name: tc.qname, Qtype: dns.TypeA, Qclass: dns.ClassINET}}
		r := Request{Req: m, W: &test.ResponseWriter{}}
		if got := r.Name(); got != tc.name {
			t.Errorf("%q: Name() = %q, want %q", tc.qname, got, tc.name)
		}
		if got := r.QName(); got != tc.qn {
			t.Errorf("%q: QName() = %q, want %q", tc.qname, got, tc.qn)
		}
	}
}

func TestRequestNoQuestion(t *testing.T) {
	r := Request{Req: new(dns.Msg), W: &test.ResponseWriter{}}
	if got := r.Name(); got != "." {
		t.Errorf("Name() = %q, want %q", got, ".")
	}
	if got := r.QName(); got != "." {
		t.Errorf("QName() = %q, want %q", got, ".")
	}
	if got := r.Type(); got != "" {
		t.Errorf("Type() = %q, want empty", got)
	}
	if got := r.QType(); got != 0 {
		t.Errorf("QType() = %d, want 0", got)
	}
	if got := r.Class(); got != "" {
		t.Errorf("Class() = %q, want empty", got)
	}
	if got := r.QClass(); got != 0 {
		t.Errorf("QClass() = %d, want 0", got)
	}
}

func TestRequestTypeClass(t *testing.T) {
	m := query("example.org.", dns.TypeAAAA)
	m.Question[0].Qclass = dns.ClassCHAOS
	r := Request{Req: m, W: &test.ResponseWriter{}}
	if r.Type() != "AAAA" || r.QType() != dns.TypeAAAA {
		t.Errorf("Type() = %q, QType() = %d; want AAAA, %d", r.Type(), r.QType(), dns.TypeAAAA)
	}
	if r.Class() != "CH" || r.QClass() != dns.ClassCHAOS {
		t.Errorf("Class() = %q, QClass() = %d; want CH, %d", r.Class(), r.QClass(), dns.ClassCHAOS)
	}
	m.Question[0].Qtype = 65280
	if got := r.Type(); got != "TYPE65280" {
		t.Errorf("Type() = %q, want TYPE65280", got)
	}
}

func TestRequestAddresses(t *testing.T) {
	tests := []struct {
		name      string
		w         dns.ResponseWriter
		ip, port  string
		localIP   string
		localPort string
		proto     string
		family    int
		remote    string
		local     string
	}{
		{"udp4", &test.ResponseWriter{}, "10.240.0.1", "40212", "127.0.0.1", "53", "udp", 1, "10.240.0.1:40212", "127.0.0.1:53"},
		{"tcp4", &test.ResponseWriter{TCP: true}, "10.240.0.1", "40212", "127.0.0.1", "53", "tcp", 1, "10.240.0.1:40212", "127.0.0.1:53"},
		{"udp6", &test.ResponseWriter6{}, "fe80::42:ff:feca:4c65", "40212", "::1", "53", "udp", 2, "[fe80::42:ff:feca:4c65]:40212", "[::1]:53"},
		{"tcp6", &test.ResponseWriter6{ResponseWriter: test.ResponseWriter{TCP: true}}, "fe80::42:ff:feca:4c65", "40212", "::1", "53", "tcp", 2, "[fe80::42:ff:feca:4c65]:40212", "[::1]:53"},
		{"v4 client", &test.ResponseWriter{RemoteIP: "192.0.2.7"}, "192.0.2.7", "40212", "127.0.0.1", "53", "udp", 1, "192.0.2.7:40212", "127.0.0.1:53"},
		{"mapped v4", &test.ResponseWriter{RemoteIP: "::ffff:192.0.2.8"}, "192.0.2.8", "40212", "127.0.0.1", "53", "udp", 1, "192.0.2.8:40212", "127.0.0.1:53"},
		{"other addr", &otherAddrWriter{}, "198.51.100.9", "1234", "198.51.100.1", "53", "tcp", 1, "198.51.100.9:1234", "198.51.100.1:53"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Request{Req: query("example.org.", dns.TypeA), W: tc.w}
			if got := r.IP(); got != tc.ip {
				t.Errorf("IP() = %q, want %q", got, tc.ip)
			}
			if got := r.Port(); got != tc.port {
				t.Errorf("Port() = %q, want %q", got, tc.port)
			}
			if got := r.LocalIP(); got != tc.localIP {
				t.Errorf("LocalIP() = %q, want %q", got, tc.localIP)
			}
			if got := r.LocalPort(); got != tc.localPort {
				t.Errorf("LocalPort() = %q, want %q", got, tc.localPort)
			}
			if got := r.Proto(); got != tc.proto {
				t.Errorf("Proto() = %q, want %q", got, tc.proto)
			}
			if got := r.Family(); got != tc.family {
				t.Errorf("Family() = %d, want %d", got, tc.family)
			}
			if got := r.RemoteAddr(); got != tc.remote {
				t.Errorf("RemoteAddr() = %q, want %q", got, tc.remote)
			}
			if got := r.LocalAddr(); got != tc.local {
				t.Errorf("LocalAddr() = %q, want %q", got, tc.local)
			}
		})
	}
}

// otherAddrWriter has addresses that are neither *net.UDPAddr nor
// *net.TCPAddr, as a proxy or a DoH front end may give.
type otherAddrWriter struct{ test.ResponseWriter }

type strAddr struct{ network, addr string }

func (a strAddr) Network() string { return a.network }
func (a strAddr) String() string  { return a.addr }

func (otherAddrWriter) RemoteAddr() net.Addr { return strAddr{"tcp", "198.51.100.9:1234"} }
func (otherAddrWriter) LocalAddr() net.Addr  { return strAddr{"tcp", "198.51.100.1:53"} }

func TestRequestPortBeforeIP(t *testing.T) {
	r := Request{Req: query("example.org.", dns.TypeA), W: &test.ResponseWriter{}}
	if got := r.Port(); got != "40212" {
		t.Errorf("Port() = %q, want 40212", got)
	}
	if got := r.IP(); got != "10.240.0.1" {
		t.Errorf("IP() = %q, want 10.240.0.1", got)
	}
}

func TestRequestProtoNilWriter(t *testing.T) {
	r := Request{Req: query("example.org.", dns.TypeA)}
	if got := r.Proto(); got != "udp" {
		t.Errorf("Proto() with nil writer = %q, want udp", got)
	}
}

func TestRequestDo(t *testing.T) {
	tests := []struct {
		name string
		edns bool
		do   bool
		want bool
	}{
		{"no edns", false, false, false},
		{"edns without do", true, false, false},
		{"edns with do", true, true, true},
	}
	for _, tc := range tests {
		m := query("example.org.", dns.TypeA)
		if tc.edns {
			m.SetEdns0(4096, tc.do)
		}
		r := Request{Req: m, W: &test.ResponseWriter{}}
		if got := r.Do(); got != tc.want {
			t.Errorf("%s: Do() = %v, want %v", tc.name, got, tc.want)
		}
		// Cached: a second call agrees.
		if got := r.Do(); got != tc.want {
			t.Errorf("%s: second Do() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRequestLen(t *testing.T) {
	m := query("example.org.", dns.TypeA)
	r := Request{Req: m, W: &test.ResponseWriter{}}
	if got, want := r.Len(), m.Len(); got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	buf, _ := m.Pack()
	if r.Len() != len(buf) {
		t.Errorf("Len() = %d, packed length %d", r.Len(), len(buf))
	}
}

func TestRequestMatch(t *testing.T) {
	q := query("Example.ORG.", dns.TypeA)
	r := Request{Req: q, W: &test.ResponseWriter{}}

	reply := func(f func(*dns.Msg)) *dns.Msg {
		m := new(dns.Msg)
		m.SetReply(q)
		if f != nil {
			f(m)
		}
		return m
	}
	tests := []struct {
		name  string
		reply *dns.Msg
		want  bool
	}{
		{"same", reply(nil), true},
		{"other case", reply(func(m *dns.Msg) { m.Question[0].Name = "example.org." }), true},
		{"not a response", reply(func(m *dns.Msg) { m.Response = false }), false},
		{"other name", reply(func(m *dns.Msg) { m.Question[0].Name = "example.net." }), false},
		{"other type", reply(func(m *dns.Msg) { m.Question[0].Qtype = dns.TypeAAAA }), false},
		{"other class", reply(func(m *dns.Msg) { m.Question[0].Qclass = dns.ClassCHAOS }), false},
		{"no question", reply(func(m *dns.Msg) { m.Question = nil }), false},
		{"two questions", reply(func(m *dns.Msg) { m.Question = append(m.Question, m.Question[0]) }), false},
	}
	for _, tc := range tests {
		if got := r.Match(tc.reply); got != tc.want {
			t.Errorf("%s: Match() = %v, want %v", tc.name, got, tc.want)
		}
	}

	empty := Request{Req: new(dns.Msg), W: &test.ResponseWriter{}}
	if empty.Match(reply(nil)) {
		t.Error("Match() = true for a request without question")
	}
}

func TestRequestNewWithQuestion(t *testing.T) {
	q := query("example.org.", dns.TypeA)
	q.Question[0].Qclass = dns.ClassCHAOS
	q.SetEdns0(4096, true)
	r := Request{Req: q, W: &test.ResponseWriter{}}

	n := r.NewWithQuestion("Other.Example", dns.TypeMX)
	want := dns.Question{Name: "Other.Example.", Qtype: dns.TypeMX, Qclass: dns.ClassINET}
	if len(n.Req.Question) != 1 || n.Req.Question[0] != want {
		t.Errorf("new question = %v, want %v", n.Req.Question, want)
	}
	if n.Name() != "other.example." {
		t.Errorf("new Name() = %q", n.Name())
	}
	if n.W != r.W {
		t.Error("NewWithQuestion did not keep the writer")
	}
	if !n.Do() || n.Req.Id != q.Id {
		t.Error("NewWithQuestion did not keep the rest of the message")
	}
	if q.Question[0].Name != "example.org." || q.Question[0].Qtype != dns.TypeA {
		t.Errorf("original question changed to %v", q.Question[0])
	}

	empty := Request{Req: new(dns.Msg), W: &test.ResponseWriter{}}
	n = empty.NewWithQuestion("a.example.", dns.TypeA)
	if len(n.Req.Question) != 1 || n.Req.Question[0].Name != "a.example." {
		t.Errorf("NewWithQuestion on empty message: %v", n.Req.Question)
	}
}

func TestRequestClear(t *testing.T) {
	m := query("example.org.", dns.TypeA)
	m.SetEdns0(4096, true)
	r := Request{Req: m, W: &test.ResponseWriter{}}
	_, _, _, _, _, _ = r.Name(), r.IP(), r.Port(), r.Proto(), r.Size(), r.Family()
	_ = r.Do()

	r.W = &test.ResponseWriter6{ResponseWriter: test.ResponseWriter{TCP: true}}
	r.Req = query("b.example.", dns.TypeA)
	r.Clear()
	if r.Name() != "b.example." || r.IP() != "fe80::42:ff:feca:4c65" || r.Proto() != "tcp" ||
		r.Size() != dns.MaxMsgSize || r.Family() != 2 || r.Do() {
		t.Errorf("after Clear: name=%s ip=%s proto=%s size=%d family=%d do=%v",
			r.Name(), r.IP(), r.Proto(), r.Size(), r.Family(), r.Do())
	}
}
