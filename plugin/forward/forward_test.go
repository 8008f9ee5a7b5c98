package forward

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// answer returns a handler that answers A queries with ip, and proto as TXT
// for TXT queries.
func answer(ip string) dns.HandlerFunc {
	return func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		switch q.Qtype {
		case dns.TypeTXT:
			txt := test.TXT(q.Name + " 300 IN TXT \"" + w.RemoteAddr().Network() + "\"")
			txt.Hdr.Class = q.Qclass
			m.Answer = []dns.RR{txt}
		default:
			m.Answer = []dns.RR{test.A(q.Name + " 300 IN A " + ip)}
		}
		w.WriteMsg(m)
	}
}

// rcodeHandler answers everything with rc.
func rcodeHandler(rc int) dns.HandlerFunc {
	return func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, rc)
		w.WriteMsg(m)
	}
}

func startUpstream(t *testing.T, h dns.HandlerFunc) string {
	t.Helper()
	s := dnstest.NewServer(h)
	t.Cleanup(s.Close)
	return s.Addr
}

// deadAddr returns a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// newForward parses a forward stanza, starts it with short timeouts and
// stops it with the test.
func newForward(t *testing.T, corefile string) *Forward {
	t.Helper()
	fs, err := parseForward(caddy.NewTestController("dns", corefile))
	if err != nil {
		t.Fatalf("parse %q: %v", corefile, err)
	}
	f := fs[0]
	for _, p := range f.proxies {
		p.SetReadTimeout(200 * time.Millisecond)
		p.GetHealthchecker().SetReadTimeout(100 * time.Millisecond)
		p.GetHealthchecker().SetWriteTimeout(100 * time.Millisecond)
	}
	f.OnStartup()
	t.Cleanup(func() { f.OnShutdown() })
	return f
}

// serve sends a query for name/qtype through h, over TCP when tcp is set.
func serve(t *testing.T, h interface {
	ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error)
}, name string, qtype uint16, tcp bool,
) (*dnstest.Recorder, int, error) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, qtype)
	rec := dnstest.NewRecorder(&test.ResponseWriter{TCP: tcp})
	rc, err := h.ServeDNS(context.Background(), rec, m)
	return rec, rc, err
}

func TestForward(t *testing.T) {
	addr := startUpstream(t, answer("192.0.2.1"))
	f := newForward(t, "forward . "+addr)

	tests := []struct {
		qname string
		qtype uint16
		tcp   bool
		want  []dns.RR
	}{
		{"example.org.", dns.TypeA, false, []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}},
		{"example.org.", dns.TypeA, true, []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}},
		{"example.org.", dns.TypeTXT, false, []dns.RR{test.TXT(`example.org. 300 IN TXT "udp"`)}},
		{"example.org.", dns.TypeTXT, true, []dns.RR{test.TXT(`example.org. 300 IN TXT "tcp"`)}},
	}
	for _, tc := range tests {
		rec, rc, err := serve(t, f, tc.qname, tc.qtype, tc.tcp)
		if err != nil || rc != dns.RcodeSuccess {
			t.Fatalf("%s %d tcp=%v: rcode %d, err %v", tc.qname, tc.qtype, tc.tcp, rc, err)
		}
		if err := test.SortAndCheck(rec.Msg, test.Case{Qname: tc.qname, Qtype: tc.qtype, Answer: tc.want}); err != nil {
			t.Errorf("%s %d tcp=%v: %v", tc.qname, tc.qtype, tc.tcp, err)
		}
	}
}

func TestForwardChaosClass(t *testing.T) {
	addr := startUpstream(t, answer("192.0.2.1"))
	f := newForward(t, "forward . "+addr)
	m := new(dns.Msg)
	m.SetQuestion("version.bind.", dns.TypeTXT)
	m.Question[0].Qclass = dns.ClassCHAOS
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := f.ServeDNS(context.Background(), rec, m); err != nil {
		t.Fatal(err)
	}
	if len(rec.Msg.Answer) != 1 || rec.Msg.Answer[0].Header().Class != dns.ClassCHAOS {
		t.Errorf("CH query not forwarded: %v", rec.Msg)
	}
}

func TestForwardUpstreamDown(t *testing.T) {
	f := newForward(t, "forward . "+deadAddr(t)+" {\nmax_fails 0\n}")
	for _, tcp := range []bool{false, true} {
		start := time.Now()
		rec, rc, err := serve(t, f, "example.org.", dns.TypeA, tcp)
		if rc != dns.RcodeServerFailure || err == nil {
			t.Errorf("tcp=%v: rcode %d, err %v; want SERVFAIL and an error", tcp, rc, err)
		}
		if rec.Msg != nil {
			t.Errorf("tcp=%v: wrote %v, want nothing (the server writes SERVFAIL)", tcp, rec.Msg)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("tcp=%v: took %v to give up on a refusing upstream", tcp, d)
		}
	}
}

func TestForwardSlowUpstream(t *testing.T) {
	slow := startUpstream(t, func(w dns.ResponseWriter, r *dns.Msg) {
		time.Sleep(500 * time.Millisecond)
		answer("192.0.2.9")(w, r)
	})
	f := newForward(t, "forward . "+slow)
	_, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	var ne net.Error
	if rc != dns.RcodeServerFailure || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("rcode %d, err %v; want SERVFAIL and a timeout", rc, err)
	}

	// With a second upstream the query moves on to it.
	fast := startUpstream(t, answer("192.0.2.1"))
	f = newForward(t, "forward . "+slow+" "+fast+" {\npolicy sequential\n}")
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}); err != nil {
		t.Error(err)
	}
}

func TestForwardIgnoresMismatchedReplies(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			req := new(dns.Msg)
			if req.Unpack(buf[:n]) != nil {
				continue
			}
			bad := new(dns.Msg)
			bad.SetReply(req)
			bad.Id++
			bad.Answer = []dns.RR{test.A(req.Question[0].Name + " 300 IN A 192.0.2.66")}
			other := new(dns.Msg)
			other.SetQuestion("victim.example.", dns.TypeA)
			other.Id, other.Response = req.Id, true
			other.Answer = []dns.RR{test.A("victim.example. 300 IN A 192.0.2.66")}
			good := new(dns.Msg)
			good.SetReply(req)
			good.Answer = []dns.RR{test.A(req.Question[0].Name + " 300 IN A 192.0.2.1")}
			for _, m := range []*dns.Msg{bad, other, good} {
				out, _ := m.Pack()
				pc.WriteTo(out, from)
			}
		}
	}()

	f := newForward(t, "forward . "+pc.LocalAddr().String())
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}); err != nil {
		t.Error(err)
	}
}

func TestForwardNotAReply(t *testing.T) {
	// An upstream that echoes the query back, QR bit unset.
	addr := startUpstream(t, func(w dns.ResponseWriter, r *dns.Msg) { w.WriteMsg(r) })
	f := newForward(t, "forward . "+addr)
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeFormatError}); err != nil {
		t.Error(err)
	}
}

// truncatingUpstream answers over UDP with an empty TC reply, over TCP in full.
func truncatingUpstream(w dns.ResponseWriter, r *dns.Msg) {
	if w.RemoteAddr().Network() == "udp" {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Truncated = true
		w.WriteMsg(m)
		return
	}
	answer("192.0.2.1")(w, r)
}

func TestForwardTruncated(t *testing.T) {
	addr := startUpstream(t, truncatingUpstream)
	full := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}
	tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Truncated: true}

	tests := []struct {
		name      string
		options   string
		clientTCP bool
		want      test.Case
	}{
		{"udp client gets TC", "", false, tc},
		{"tcp client goes over tcp", "", true, full},
		{"force_tcp", "force_tcp", false, full},
		{"prefer_udp retries over tcp", "prefer_udp", true, full},
		{"prefer_udp with udp client", "prefer_udp", false, full},
		{"force_tcp beats prefer_udp", "force_tcp\nprefer_udp", false, full},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newForward(t, "forward . "+addr+" {\n"+tt.options+"\n}")
			rec, rc, err := serve(t, f, "example.org.", dns.TypeA, tt.clientTCP)
			if err != nil || rc != dns.RcodeSuccess {
				t.Fatalf("rcode %d, err %v", rc, err)
			}
			if err := test.SortAndCheck(rec.Msg, tt.want); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestForwardExcept(t *testing.T) {
	addr := startUpstream(t, answer("192.0.2.1"))

	tests := []struct {
		options   string
		qname     string
		forwarded bool
	}{
		{"except private.example.org", "www.example.org.", true},
		{"except private.example.org", "WWW.Example.ORG.", true},
		{"except private.example.org", "example.org.", true},
		{"except private.example.org", "private.example.org.", false},
		{"except private.example.org", "a.Private.example.org.", false},
		{"except private.example.org", "example.net.", false}, // outside FROM
		// FROM itself stays forwarded even when excepted.
		{"except example.org", "example.org.", true},
		{"except example.org", "www.example.org.", false},
	}
	for _, tc := range tests {
		f := newForward(t, "forward example.org "+addr+" {\n"+tc.options+"\n}")
		f.Next = test.NextHandler(dns.RcodeNotAuth, nil)
		rec, rc, err := serve(t, f, tc.qname, dns.TypeA, false)
		if err != nil {
			t.Errorf("%s: %v", tc.qname, err)
			continue
		}
		if tc.forwarded {
			if rc != dns.RcodeSuccess || rec.Msg == nil || len(rec.Msg.Answer) != 1 {
				t.Errorf("%s, %s: rcode %d, msg %v; want it forwarded", tc.options, tc.qname, rc, rec.Msg)
			}
		} else if rc != dns.RcodeNotAuth || rec.Msg != nil {
			t.Errorf("%s, %s: rcode %d, msg %v; want it passed to the next plugin", tc.options, tc.qname, rc, rec.Msg)
		}
	}
}

func TestForwardNext(t *testing.T) {
	nx := startUpstream(t, rcodeHandler(dns.RcodeNameError))
	good := startUpstream(t, answer("192.0.2.1"))
	first := newForward(t, "forward . "+nx+" {\nnext NXDOMAIN SERVFAIL\n}")
	second := newForward(t, "forward . "+good)
	first.Next = second

	rec, rc, err := serve(t, first, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}); err != nil {
		t.Error(err)
	}

	// The next plugin is not a forward: the NXDOMAIN is the answer.
	first.Next = test.NextHandler(dns.RcodeSuccess, nil)
	rec, _, err = serve(t, first, "example.org.", dns.TypeA, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeNameError}); err != nil {
		t.Error(err)
	}
}

func TestForwardFailover(t *testing.T) {
	servfail := startUpstream(t, rcodeHandler(dns.RcodeServerFailure))
	refused := startUpstream(t, rcodeHandler(dns.RcodeRefused))
	good := startUpstream(t, answer("192.0.2.1"))

	f := newForward(t, "forward . "+servfail+" "+refused+" "+good+" {\npolicy sequential\nfailover SERVFAIL REFUSED\n}")
	rec, rc, err := serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}); err != nil {
		t.Error(err)
	}

	// Every upstream fails over: the last answer is returned.
	f = newForward(t, "forward . "+servfail+" "+refused+" {\npolicy sequential\nfailover SERVFAIL REFUSED\n}")
	rec, rc, err = serve(t, f, "example.org.", dns.TypeA, false)
	if err != nil || rc != dns.RcodeSuccess {
		t.Fatalf("rcode %d, err %v", rc, err)
	}
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused}); err != nil {
		t.Error(err)
	}

	// Without failover the first answer counts.
	f = newForward(t, "forward . "+servfail+" "+good+" {\npolicy sequential\n}")
	rec, _, _ = serve(t, f, "example.org.", dns.TypeA, false)
	if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA, Rcode: dns.RcodeServerFailure}); err != nil {
		t.Error(err)
	}
}

func TestForwardMaxConcurrent(t *testing.T) {
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	addr := startUpstream(t, func(w dns.ResponseWriter, r *dns.Msg) {
		arrived <- struct{}{}
		<-release
		answer("192.0.2.1")(w, r)
	})
	f := newForward(t, "forward . "+addr+" {\nmax_concurrent 1\n}")
	for _, p := range f.proxies {
		p.SetReadTimeout(2 * time.Second)
	}

	done := make(chan int)
	go func() {
		_, rc, _ := serve(t, f, "first.example.org.", dns.TypeA, false)
		done <- rc
	}()
	<-arrived

	before := counter(t, maxConcurrentRejectCount)
	rec, rc, err := serve(t, f, "second.example.org.", dns.TypeA, false)
	if rc != dns.RcodeRefused || err == nil || err.Error() != "concurrent queries exceeded maximum 1" || rec.Msg != nil {
		t.Errorf("over the limit: rcode %d, err %v, msg %v; want REFUSED and the limit error", rc, err, rec.Msg)
	}
	if got := counter(t, maxConcurrentRejectCount) - before; got != 1 {
		t.Errorf("max_concurrent_rejects_total went up by %v, want 1", got)
	}

	close(release)
	if rc := <-done; rc != dns.RcodeSuccess {
		t.Errorf("first query: rcode %d", rc)
	}
	if _, rc, err := serve(t, f, "third.example.org.", dns.TypeA, false); rc != dns.RcodeSuccess || err != nil {
		t.Errorf("after the first finished: rcode %d, err %v", rc, err)
	}
}

func TestForwardMetadata(t *testing.T) {
	addr := startUpstream(t, answer("192.0.2.1"))
	f := newForward(t, "forward . "+addr)
	ctx := metadata.ContextWithMetadata(context.Background())
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, err := f.ServeDNS(ctx, dnstest.NewRecorder(&test.ResponseWriter{}), m); err != nil {
		t.Fatal(err)
	}
	fn := metadata.ValueFunc(ctx, "forward/upstream")
	if fn == nil || fn() != addr {
		t.Errorf("forward/upstream metadata missing or wrong")
	}
}

func TestForwardDoT(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{Listener: l, Net: "tcp-tls", Handler: answer("192.0.2.1")}
	go srv.ActivateAndServe()
	defer srv.Shutdown()

	ca := filepath.Join(dir, "ca.pem")
	for _, corefile := range []string{
		"forward . tls://" + l.Addr().String() + " {\ntls " + ca + "\ntls_servername example.org\n}",
		"forward . tls://127.0.0.1%example.org:" + portOf(l.Addr()) + " {\ntls " + ca + "\n}",
	} {
		f := newForward(t, corefile)
		for _, tcp := range []bool{false, true} {
			rec, rc, err := serve(t, f, "example.org.", dns.TypeA, tcp)
			if err != nil || rc != dns.RcodeSuccess {
				t.Fatalf("%q tcp=%v: rcode %d, err %v", corefile, tcp, rc, err)
			}
			if err := test.SortAndCheck(rec.Msg, test.Case{Qname: "example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}); err != nil {
				t.Error(err)
			}
		}
		p := f.proxies[0]
		if err := p.GetHealthchecker().Check(p); err != nil {
			t.Errorf("%q: TLS health check: %v", corefile, err)
		}
	}

	// A wrong server name fails verification.
	f := newForward(t, "forward . tls://"+l.Addr().String()+" {\ntls "+ca+"\ntls_servername wrong.example\nmax_fails 0\n}")
	if _, rc, err := serve(t, f, "example.org.", dns.TypeA, false); rc != dns.RcodeServerFailure || err == nil {
		t.Errorf("wrong server name: rcode %d, err %v; want SERVFAIL", rc, err)
	}
}

func portOf(a net.Addr) string {
	_, port, _ := net.SplitHostPort(a.String())
	return port
}
