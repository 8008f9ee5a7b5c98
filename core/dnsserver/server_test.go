package dnsserver

import (
	"context"
	"net"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/metrics/vars"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// tagHandler answers every query with a TXT record holding its tag, so a
// test can tell which zone's chain ran.
type tagHandler string

func (h tagHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	m.Answer = []dns.RR{&dns.TXT{
		Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET},
		Txt: []string{string(h)},
	}}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

func (h tagHandler) Name() string { return "tag" }

// namedHandler passes the query on under a name of its choosing.
type namedHandler struct {
	name string
	next plugin.Handler
}

func (h namedHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	return plugin.NextOrFailure(h.name, h.next, ctx, w, r)
}

func (h namedHandler) Name() string { return h.name }

// handlerConfig makes a config for zone whose chain is h.
func handlerConfig(zone string, h plugin.Handler) *Config {
	return &Config{Zone: zone, Port: "53", Transport: "dns", ListenHosts: []string{""},
		Plugin: []plugin.Plugin{func(plugin.Handler) plugin.Handler { return h }}}
}

// tagServer makes a server with one config per zone, tagged with the zone.
func tagServer(t testing.TB, zones ...string) *Server {
	t.Helper()
	var group []*Config
	for _, z := range zones {
		group = append(group, handlerConfig(z, tagHandler(z)))
	}
	s, err := NewServer("dns://:53", group)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// serve sends r through s.ServeDNS and returns what was written.
func serve(t *testing.T, s *Server, w dns.ResponseWriter, r *dns.Msg) *dns.Msg {
	t.Helper()
	rec := dnstest.NewRecorder(w)
	s.ServeDNS(context.Background(), rec, r)
	if rec.Msg == nil {
		t.Fatalf("no reply to %v", r.Question)
	}
	return rec.Msg
}

// refusedCase is a whole REFUSED reply with no records.
func refusedCase(qname string, qtype uint16) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Rcode: dns.RcodeRefused}
}

func tagCase(qname string, qtype uint16, tag string) test.Case {
	return test.Case{Qname: qname, Qtype: qtype, Rcode: dns.RcodeSuccess, Authoritative: true,
		Answer: []dns.RR{test.TXT(qname + ` 0 IN TXT "` + tag + `"`)}}
}

func TestServeDNSZoneSelection(t *testing.T) {
	s := tagServer(t, "example.org.", "a.example.org.", "example.net.", "0.10.in-addr.arpa.", "1.10.in-addr.arpa.")
	tests := []test.Case{
		tagCase("example.org.", dns.TypeA, "example.org."),
		tagCase("www.example.org.", dns.TypeA, "example.org."),
		tagCase("a.example.org.", dns.TypeA, "a.example.org."),
		tagCase("x.y.a.example.org.", dns.TypeAAAA, "a.example.org."),
		tagCase("xa.example.org.", dns.TypeA, "example.org."),
		tagCase("WWW.A.Example.ORG.", dns.TypeA, "a.example.org."),
		tagCase("example.net.", dns.TypeMX, "example.net."),
		tagCase("4.3.1.10.in-addr.arpa.", dns.TypePTR, "1.10.in-addr.arpa."),
		tagCase("4.3.0.10.in-addr.arpa.", dns.TypePTR, "0.10.in-addr.arpa."),
		refusedCase("4.3.2.10.in-addr.arpa.", dns.TypePTR),
		refusedCase("10.in-addr.arpa.", dns.TypeSOA),
		refusedCase("example.com.", dns.TypeA),
		refusedCase("org.", dns.TypeNS),
		refusedCase("xexample.org.", dns.TypeA),
		refusedCase(".", dns.TypeNS),
	}
	for _, tc := range tests {
		resp := serve(t, s, &test.ResponseWriter{}, tc.Msg())
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s %s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func TestServeDNSRootZone(t *testing.T) {
	s := tagServer(t, ".", "example.org.")
	tests := []test.Case{
		tagCase("example.org.", dns.TypeA, "example.org."),
		tagCase("www.example.org.", dns.TypeA, "example.org."),
		tagCase("example.com.", dns.TypeA, "."),
		tagCase("org.", dns.TypeNS, "."),
		tagCase(".", dns.TypeNS, "."),
		// DS at the apex of example.org. belongs to its parent, the root.
		tagCase("example.com.", dns.TypeDS, "."),
	}
	for _, tc := range tests {
		resp := serve(t, s, &test.ResponseWriter{}, tc.Msg())
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s %s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func TestServeDNSDSGoesToParent(t *testing.T) {
	// As in the zones golden scenario: a DS query is served by the least
	// specific matching zone on the server, other types by the most specific.
	s := tagServer(t, "lab.test.", "dev.lab.test.")
	tests := []test.Case{
		tagCase("dev.lab.test.", dns.TypeA, "dev.lab.test."),
		tagCase("dev.lab.test.", dns.TypeDS, "lab.test."),
		tagCase("sub.dev.lab.test.", dns.TypeDS, "lab.test."),
		tagCase("lab.test.", dns.TypeDS, "lab.test."), // no parent here: the zone itself
		tagCase("other.lab.test.", dns.TypeDS, "lab.test."),
		refusedCase("test.", dns.TypeDS),
	}
	for _, tc := range tests {
		resp := serve(t, s, &test.ResponseWriter{}, tc.Msg())
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s %s: %v", tc.Qname, dns.TypeToString[tc.Qtype], err)
		}
	}
}

func TestServeDNSClass(t *testing.T) {
	s := tagServer(t, "example.org.")
	for _, class := range []uint16{dns.ClassCHAOS, dns.ClassHESIOD, dns.ClassNONE, dns.ClassANY, 42} {
		r := new(dns.Msg)
		r.SetQuestion("example.org.", dns.TypeA)
		r.Question[0].Qclass = class
		resp := serve(t, s, &test.ResponseWriter{}, r)
		if resp.Rcode != dns.RcodeRefused || len(resp.Answer) != 0 || !resp.Response {
			t.Errorf("class %d: rcode %s, %d answers; want REFUSED and nothing else", class, dns.RcodeToString[resp.Rcode], len(resp.Answer))
		}
		if len(resp.Question) != 1 || resp.Question[0].Qclass != class {
			t.Errorf("class %d: question not echoed: %v", class, resp.Question)
		}
	}
}

func TestServeDNSChaosPluginAllowsOtherClasses(t *testing.T) {
	cfg := &Config{Zone: ".", Plugin: []plugin.Plugin{
		func(next plugin.Handler) plugin.Handler { return namedHandler{"chaos", next} },
		func(plugin.Handler) plugin.Handler { return tagHandler("ch") },
	}}
	s, err := NewServer("dns://:53", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("version.bind.", dns.TypeTXT)
	r.Question[0].Qclass = dns.ClassCHAOS
	resp := serve(t, s, &test.ResponseWriter{}, r)
	if resp.Rcode != dns.RcodeSuccess || len(resp.Answer) != 1 {
		t.Errorf("CH query with chaos in the chain: %v", resp)
	}
}

func TestServeDNSBadVers(t *testing.T) {
	s := tagServer(t, "example.org.")
	for _, tc := range []struct {
		version uint8
		bufsize uint16
		tcp     bool
	}{{1, 4096, false}, {1, 1232, true}, {2, 100, false}, {255, 4096, false}} {
		r := new(dns.Msg)
		r.SetQuestion("example.org.", dns.TypeA)
		r.SetEdns0(tc.bufsize, true)
		r.IsEdns0().SetVersion(tc.version)
		resp := serve(t, s, &test.ResponseWriter{TCP: tc.tcp}, r)
		if resp.Rcode != dns.RcodeBadVers || len(resp.Answer) != 0 || !resp.Response {
			t.Errorf("EDNS version %d: rcode %d answers %d; want BADVERS and no answer", tc.version, resp.Rcode, len(resp.Answer))
		}
		o := resp.IsEdns0()
		if o == nil || o.Version() != 0 || o.Do() {
			t.Errorf("EDNS version %d: OPT %v, want version 0 without DO", tc.version, o)
		}
		// On the wire the upper rcode bits travel in the OPT record.
		buf, err := resp.Pack()
		if err != nil {
			t.Fatal(err)
		}
		back := new(dns.Msg)
		if err := back.Unpack(buf); err != nil || back.Rcode != dns.RcodeBadVers {
			t.Errorf("EDNS version %d: packed rcode %d (%v), want BADVERS", tc.version, back.Rcode, err)
		}
	}

	// Version 0 is served normally.
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	r.SetEdns0(4096, false)
	if resp := serve(t, s, &test.ResponseWriter{}, r); resp.Rcode != dns.RcodeSuccess || resp.IsEdns0() == nil {
		t.Errorf("EDNS version 0: rcode %d, OPT %v", resp.Rcode, resp.IsEdns0())
	}
}

func TestServeDNSNoQuestion(t *testing.T) {
	s := tagServer(t, ".")
	r := new(dns.Msg)
	r.Id = 4242
	resp := serve(t, s, &test.ResponseWriter{}, r)
	if resp.Rcode != dns.RcodeServerFailure || resp.Id != 4242 || !resp.Response {
		t.Errorf("no question: rcode %d id %d; want SERVFAIL to 4242", resp.Rcode, resp.Id)
	}
}

func TestServeDNSRcodesWrittenByServer(t *testing.T) {
	tests := []struct {
		rcode int
		want  int
	}{
		{dns.RcodeServerFailure, dns.RcodeServerFailure},
		{dns.RcodeRefused, dns.RcodeRefused},
		{dns.RcodeFormatError, dns.RcodeFormatError},
		{dns.RcodeNotImplemented, dns.RcodeNotImplemented},
	}
	for _, tc := range tests {
		s, err := NewServer("dns://:53", []*Config{handlerConfig("example.org.", test.NextHandler(tc.rcode, nil))})
		if err != nil {
			t.Fatal(err)
		}
		r := new(dns.Msg)
		r.SetQuestion("example.org.", dns.TypeA)
		r.SetEdns0(1232, true)
		resp := serve(t, s, &test.ResponseWriter{}, r)
		if resp.Rcode != tc.want || len(resp.Answer) != 0 {
			t.Errorf("handler returning %s: reply %s", dns.RcodeToString[tc.rcode], dns.RcodeToString[resp.Rcode])
		}
		if o := resp.IsEdns0(); o == nil || o.UDPSize() != 1232 || !o.Do() {
			t.Errorf("handler returning %s: OPT %v, want one mirroring the query", dns.RcodeToString[tc.rcode], o)
		}
	}
}

func TestServeDNSEmptyChain(t *testing.T) {
	// A block without plugins must not crash the server; which rcode it
	// gives is checked in TestServeDNSEmptyChainRefused (server_bug_test.go).
	s, err := NewServer("dns://:53", []*Config{{Zone: "example.org."}})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	if resp := serve(t, s, &test.ResponseWriter{}, r); resp.Rcode == dns.RcodeSuccess || len(resp.Answer) != 0 {
		t.Errorf("block without plugins: %v", resp)
	}
}

func panicCount(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := vars.Panic.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestServeDNSRecoversPanic(t *testing.T) {
	boom := plugin.HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		panic("boom")
	})
	s, err := NewServer("dns://:53", []*Config{handlerConfig("example.org.", boom)})
	if err != nil {
		t.Fatal(err)
	}
	before := panicCount(t)
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	resp := serve(t, s, &test.ResponseWriter{}, r)
	if resp.Rcode != dns.RcodeServerFailure || resp.Id != r.Id || !resp.Response {
		t.Errorf("after panic: rcode %s, want SERVFAIL", dns.RcodeToString[resp.Rcode])
	}
	if got := panicCount(t); got != before+1 {
		t.Errorf("coredns_panics_total went from %v to %v, want +1", before, got)
	}
}

func TestServeDNSDebugDoesNotRecover(t *testing.T) {
	boom := plugin.HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) {
		panic("boom")
	})
	cfg := handlerConfig("example.org.", boom)
	cfg.Debug = true
	s, err := NewServer("dns://:53", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("debug server swallowed the panic")
		}
		// Switch debug logging off again.
		NewServer("dns://:53", nil) //nolint:errcheck
	}()
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	s.ServeDNS(context.Background(), &test.ResponseWriter{}, r)
}

func TestServeDNSContext(t *testing.T) {
	var gotSrv *Server
	var gotLoop int
	var gotView any
	var gotOther any
	type otherKey struct{}
	h := plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		gotSrv, _ = ctx.Value(Key{}).(*Server)
		gotLoop, _ = ctx.Value(LoopKey{}).(int)
		gotView = ctx.Value(ViewKey{})
		gotOther = ctx.Value(otherKey{})
		return dns.RcodeServerFailure, nil
	})
	s, err := NewServer("dns://:53", []*Config{handlerConfig("example.org.", h)})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	ctx := context.WithValue(context.Background(), otherKey{}, "kept")
	s.ServeDNS(ctx, &test.ResponseWriter{}, r)
	if gotSrv != s || gotLoop != 1 || gotView != nil || gotOther != "kept" {
		t.Errorf("context: server %v loop %d view %v other %v", gotSrv == s, gotLoop, gotView, gotOther)
	}

	// A query re-entering the server counts up; past the limit it fails.
	s.ServeDNS(context.WithValue(context.Background(), LoopKey{}, 3), &test.ResponseWriter{}, r)
	if gotLoop != 4 {
		t.Errorf("re-entered query loop = %d, want 4", gotLoop)
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	gotLoop = -1
	s.ServeDNS(context.WithValue(context.Background(), LoopKey{}, maxReentries+1), rec, r)
	if gotLoop != -1 || rec.Msg == nil || rec.Msg.Rcode != dns.RcodeServerFailure {
		t.Errorf("query past the re-entry limit: chain ran=%v reply=%v", gotLoop != -1, rec.Msg)
	}
}

func TestServeDNSViews(t *testing.T) {
	onlyTCP := func(_ context.Context, st *request.Request) bool { return st.Proto() == "tcp" }
	var seenView any
	view := handlerConfig("example.org.", plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		seenView = ctx.Value(ViewKey{})
		return tagHandler("view").ServeDNS(ctx, w, r)
	}))
	view.FilterFuncs = []FilterFunc{onlyTCP}
	view.ViewName = "tcp-only"
	plain := handlerConfig("example.org.", tagHandler("plain"))
	parent := handlerConfig("org.", tagHandler("parent"))

	// Only a view for example.org.: UDP queries fall through to the parent zone.
	s, err := NewServer("dns://:53", []*Config{view, parent})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	if err := test.SortAndCheck(serve(t, s, &test.ResponseWriter{TCP: true}, r), tagCase("example.org.", dns.TypeA, "view")); err != nil {
		t.Errorf("tcp: %v", err)
	}
	if seenView != "tcp-only" {
		t.Errorf("view name in context = %v, want tcp-only", seenView)
	}
	if err := test.SortAndCheck(serve(t, s, &test.ResponseWriter{}, r), tagCase("example.org.", dns.TypeA, "parent")); err != nil {
		t.Errorf("udp: %v", err)
	}

	// With an unfiltered block for the zone too, UDP queries go there.
	view2 := handlerConfig("example.org.", tagHandler("view"))
	view2.FilterFuncs = []FilterFunc{onlyTCP}
	s, err = NewServer("dns://:53", []*Config{view2, plain, parent})
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(serve(t, s, &test.ResponseWriter{TCP: true}, r), tagCase("example.org.", dns.TypeA, "view")); err != nil {
		t.Errorf("tcp: %v", err)
	}
	if err := test.SortAndCheck(serve(t, s, &test.ResponseWriter{}, r), tagCase("example.org.", dns.TypeA, "plain")); err != nil {
		t.Errorf("udp: %v", err)
	}
}

func TestServeDNSScrubsReplies(t *testing.T) {
	big := plugin.HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		for i := range 100 {
			m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET},
				A: net.IPv4(192, 0, 2, byte(i))})
		}
		w.WriteMsg(m)
		return dns.RcodeSuccess, nil
	})
	s, err := NewServer("dns://:53", []*Config{handlerConfig("example.org.", big)})
	if err != nil {
		t.Fatal(err)
	}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	resp := serve(t, s, &test.ResponseWriter{}, r)
	if !resp.Truncated || resp.Len() > 512 {
		t.Errorf("UDP reply without EDNS: TC=%v len=%d; want truncated to 512", resp.Truncated, resp.Len())
	}
	resp = serve(t, s, &test.ResponseWriter{TCP: true}, r)
	if resp.Truncated || len(resp.Answer) != 100 {
		t.Errorf("TCP reply: TC=%v answers=%d; want all 100", resp.Truncated, len(resp.Answer))
	}
	r.SetEdns0(4096, false)
	resp = serve(t, s, &test.ResponseWriter{}, r)
	if resp.Truncated || len(resp.Answer) != 100 || resp.IsEdns0() == nil {
		t.Errorf("UDP reply with EDNS 4096: TC=%v answers=%d OPT=%v", resp.Truncated, len(resp.Answer), resp.IsEdns0())
	}
}
