package replacer

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// query returns an A query for example.org. with ID 1053, RD and CD set and,
// when bufsize > 0, an OPT record with that size and the DO bit.
func query(bufsize uint16) *dns.Msg {
	r := new(dns.Msg)
	r.SetQuestion("Example.ORG.", dns.TypeA)
	r.Id = 1053
	r.CheckingDisabled = true
	if bufsize > 0 {
		r.SetEdns0(bufsize, true)
	}
	return r
}

// recorded returns a recorder that saw an authoritative NXDOMAIN for r.
func recorded(r *dns.Msg) *dnstest.Recorder {
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetRcode(r, dns.RcodeNameError)
	m.Authoritative = true
	rec.WriteMsg(m) //nolint:errcheck // test writer never fails
	return rec
}

func TestReplaceRequest(t *testing.T) {
	r := query(1232)
	tcp := request.Request{W: &test.ResponseWriter{TCP: true}, Req: r}
	udp := request.Request{W: &test.ResponseWriter{}, Req: r}
	v6 := request.Request{W: &test.ResponseWriter6{}, Req: query(0)}
	rep := New()

	tests := []struct {
		state  request.Request
		format string
		want   string
	}{
		{udp, "{type}", "A"},
		{udp, "{name}", "example.org."},
		{udp, "{class}", "IN"},
		{udp, "{proto}", "udp"},
		{tcp, "{proto}", "tcp"},
		{udp, "{size}", "40"},
		{udp, "{remote}", "10.240.0.1"},
		{udp, "{port}", "40212"},
		{udp, "{local}", "127.0.0.1"},
		{udp, "{>id}", "1053"},
		{udp, "{>opcode}", "0"},
		{udp, "{>do}", "true"},
		{v6, "{>do}", "false"},
		{udp, "{>bufsize}", "1232"},
		{v6, "{>bufsize}", "512"},
		{tcp, "{>bufsize}", "65535"},
		{v6, "{remote}", "[fe80::42:ff:feca:4c65]"},
		{v6, "{local}", "[::1]"},
		{v6, "{remote}:{port}", "[fe80::42:ff:feca:4c65]:40212"},
		// Response placeholders without a recorder.
		{udp, "{rcode} {rsize} {duration} {>rflags}", "- - - -"},
		// Unknown and malformed placeholders stay as written.
		{udp, "{when} {host}", "{when} {host}"},
		{udp, "{>rd}", "{>rd}"},
		{udp, "{{type}}", "{A}"},
		{udp, "{a {type} }", "{a A }"},
		{udp, "} {name", "} {name"},
		{udp, "{type", "{type"},
		{udp, "", ""},
		{udp, "plain text", "plain text"},
		{udp, "{type}{class}{name}", "AINexample.org."},
		// Metadata without a metadata store.
		{udp, "{/view/name}", "-"},
		{udp, "{/}", "-"},
	}
	for _, tc := range tests {
		if got := rep.Replace(context.Background(), tc.state, nil, tc.format); got != tc.want {
			t.Errorf("Replace(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}

func TestReplaceResponse(t *testing.T) {
	r := query(0)
	state := request.Request{W: &test.ResponseWriter{}, Req: r}
	rec := recorded(r)
	rep := New()

	tests := []struct {
		format string
		want   string
	}{
		{"{rcode}", "NXDOMAIN"},
		{"{rsize}", "29"},
		{"{>rflags}", "qr,aa,rd,cd"},
	}
	for _, tc := range tests {
		if got := rep.Replace(context.Background(), state, rec, tc.format); got != tc.want {
			t.Errorf("Replace(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}

	rec.Start = time.Now().Add(-1500 * time.Millisecond)
	d := rep.Replace(context.Background(), state, rec, "{duration}")
	if !regexp.MustCompile(`^1\.5[0-9]*s$`).MatchString(d) {
		t.Errorf("{duration} = %q, want 1.5...s", d)
	}

	// An rcode without a name is written as a number.
	rec.Rcode = 4000
	if got := rep.Replace(context.Background(), state, rec, "{rcode}"); got != "4000" {
		t.Errorf("unnamed rcode = %q, want 4000", got)
	}

	// A recorder that saw nothing: no rcode and no flags, but a size and a duration.
	empty := dnstest.NewRecorder(&test.ResponseWriter{})
	got := rep.Replace(context.Background(), state, empty, "{rcode} {>rflags} {rsize}")
	if got != "- - 0" {
		t.Errorf("empty recorder = %q, want %q", got, "- - 0")
	}

	// A response without any flag.
	empty.WriteMsg(new(dns.Msg)) //nolint:errcheck // test writer never fails
	if got := rep.Replace(context.Background(), state, empty, "{>rflags}"); got != "-" {
		t.Errorf("no flags = %q, want -", got)
	}
	h := dns.MsgHdr{Response: true, Authoritative: true, Truncated: true, RecursionDesired: true,
		RecursionAvailable: true, Zero: true, AuthenticatedData: true, CheckingDisabled: true}
	if got := string(appendFlags(nil, &h)); got != "qr,aa,tc,rd,ra,z,ad,cd" {
		t.Errorf("all flags = %q", got)
	}
}

func TestReplaceShorthands(t *testing.T) {
	r := query(0)
	state := request.Request{W: &test.ResponseWriter{}, Req: r}
	rec := recorded(r)
	rep := New()

	dur := regexp.MustCompile(`[0-9.]+s`)
	common := `10.240.0.1:40212 - 1053 "A IN example.org. udp 29 false 512" NXDOMAIN qr,aa,rd,cd 29 Ds`

	tests := []struct {
		format string
		want   string
	}{
		{"{common}", common},
		{"{combined}", common + ` "0"`},
		{"at {common} {/x/y}", "at " + common + " -"},
		{commonFormat, common},
	}
	for _, tc := range tests {
		got := dur.ReplaceAllString(rep.Replace(context.Background(), state, rec, tc.format), "Ds")
		if got != tc.want {
			t.Errorf("Replace(%q)\n got %q\nwant %q", tc.format, got, tc.want)
		}
	}
}

func TestReplaceMetadata(t *testing.T) {
	state := request.Request{W: &test.ResponseWriter{}, Req: query(0)}
	ctx := metadata.ContextWithMetadata(context.Background())
	metadata.SetValueFunc(ctx, "view/name", func() string { return "blue" })
	metadata.SetValueFunc(ctx, "test/empty", func() string { return "" })
	rep := New()

	tests := []struct {
		format string
		want   string
	}{
		{"{/view/name}", "blue"},
		{"view={/view/name}.", "view=blue."},
		{"{/test/empty}", "-"},
		{"{/no/such}", "-"},
		{"{type} {/view/name} {name}", "A blue example.org."},
	}
	for _, tc := range tests {
		if got := rep.Replace(ctx, state, nil, tc.format); got != tc.want {
			t.Errorf("Replace(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
}

// otherAddr is a net.Addr that is neither UDP nor TCP.
type otherAddr string

func (a otherAddr) Network() string { return "other" }
func (a otherAddr) String() string  { return string(a) }

type otherWriter struct {
	test.ResponseWriter
	remote net.Addr
}

func (w *otherWriter) RemoteAddr() net.Addr { return w.remote }

func TestReplaceOtherAddr(t *testing.T) {
	rep := New()
	tests := []struct {
		addr net.Addr
		want string
	}{
		{otherAddr("192.0.2.1:5300"), "192.0.2.1 5300"},
		{otherAddr("[2001:db8::1]:5300"), "[2001:db8::1] 5300"},
		{nil, "- -"},
	}
	for _, tc := range tests {
		state := request.Request{W: &otherWriter{remote: tc.addr}, Req: query(0)}
		if got := rep.Replace(context.Background(), state, nil, "{remote} {port}"); got != tc.want {
			t.Errorf("address %v: got %q, want %q", tc.addr, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		format string
		want   format
	}{
		{"", format{}},
		{"abc", format{{kLiteral, "abc"}}},
		{"{type}", format{{kType, ""}}},
		{"a{x}b{name}", format{{kLiteral, "a{x}b"}, {kName, ""}}},
		{"{/a/b}!", format{{kMetadata, "a/b"}, {kLiteral, "!"}}},
		{"{{>id}}", format{{kLiteral, "{"}, {kID, ""}, {kLiteral, "}"}}},
	}
	for _, tc := range tests {
		got := parse(tc.format)
		if len(got) != len(tc.want) {
			t.Errorf("parse(%q) = %v, want %v", tc.format, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("parse(%q) = %v, want %v", tc.format, got, tc.want)
				break
			}
		}
	}
}

func TestFormatCacheBounded(t *testing.T) {
	for i := 0; i < maxCached+10; i++ {
		formatFor("{type} " + strings.Repeat("x", i))
	}
	if n := cached.Load(); n > maxCached {
		t.Errorf("cache holds %d formats, limit is %d", n, maxCached)
	}
	// Formats beyond the limit still work.
	state := request.Request{W: &test.ResponseWriter{}, Req: query(0)}
	if got := New().Replace(context.Background(), state, nil, "{type} uncached"); got != "A uncached" {
		t.Errorf("uncached format = %q", got)
	}
}

// fixedWriter returns preallocated addresses, as a real connection does.
type fixedWriter struct {
	test.ResponseWriter
	local, remote net.Addr
}

func (w *fixedWriter) LocalAddr() net.Addr  { return w.local }
func (w *fixedWriter) RemoteAddr() net.Addr { return w.remote }

func newFixedWriter() *fixedWriter {
	return &fixedWriter{
		local:  &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53},
		remote: &net.UDPAddr{IP: net.ParseIP("2001:db8::53"), Port: 40212},
	}
}

func BenchmarkReplaceCommon(b *testing.B) {
	r := query(1232)
	r.Question[0].Name = "example.org."
	w := newFixedWriter()
	rec := recorded(r)
	rep := New()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		state := request.Request{W: w, Req: r}
		rep.Replace(ctx, state, rec, commonFormat)
	}
}

func BenchmarkReplaceMetadata(b *testing.B) {
	r := query(0)
	r.Question[0].Name = "example.org."
	w := newFixedWriter()
	ctx := metadata.ContextWithMetadata(context.Background())
	metadata.SetValueFunc(ctx, "view/name", func() string { return "blue" })
	rep := New()
	b.ReportAllocs()
	for b.Loop() {
		state := request.Request{W: w, Req: r}
		rep.Replace(ctx, state, nil, "{type} {name} {/view/name}")
	}
}
