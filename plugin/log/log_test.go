package log

import (
	"bytes"
	"context"
	"errors"
	golog "log"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/pkg/replacer"
	"github.com/coredns/coredns/plugin/pkg/response"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// captureLog sends the standard logger to a buffer, without time stamps,
// until the test ends.
func captureLog(t testing.TB) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	out, flags := golog.Writer(), golog.Flags()
	golog.SetOutput(&buf)
	golog.SetFlags(0)
	t.Cleanup(func() {
		golog.SetOutput(out)
		golog.SetFlags(flags)
	})
	return &buf
}

// durations hides the varying {duration} values.
var durations = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?s\b`)

func lines(buf *bytes.Buffer) []string {
	var out []string
	for l := range strings.SplitSeq(strings.TrimSuffix(buf.String(), "\n"), "\n") {
		if l != "" {
			out = append(out, durations.ReplaceAllString(l, "Ds"))
		}
	}
	return out
}

// answer writes a reply with rcode for r; NOERROR replies carry an A record
// and NXDOMAIN ones an SOA.
func answer(rcode int) plugin.Handler {
	return test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		m.Authoritative = true
		switch rcode {
		case dns.RcodeSuccess:
			m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A 192.0.2.53")}
		case dns.RcodeNameError:
			m.Ns = []dns.RR{test.SOA("example.org. 300 IN SOA ns.example.org. admin.example.org. 1 7200 3600 1209600 300")}
		}
		w.WriteMsg(m) //nolint:errcheck // test writer never fails
		return rcode, nil
	})
}

func all() map[response.Class]struct{} { return map[response.Class]struct{}{response.All: {}} }

func classes(cs ...response.Class) map[response.Class]struct{} {
	m := map[response.Class]struct{}{}
	for _, c := range cs {
		m[c] = struct{}{}
	}
	return m
}

func TestLoggerServeDNS(t *testing.T) {
	tests := []struct {
		name  string
		rules []Rule
		next  plugin.Handler
		qname string
		rcode int // returned by ServeDNS
		err   bool
		want  []string
	}{
		{
			name:  "default format",
			rules: []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: all()}},
			next:  answer(dns.RcodeSuccess), qname: "example.org.",
			want: []string{`[INFO] 10.240.0.1:40212 - 1053 "A IN example.org. udp 29 false 512" NOERROR qr,aa,rd 56 Ds`},
		},
		{
			name:  "combined format",
			rules: []Rule{{NameScope: ".", Format: CombinedLogFormat, Class: all()}},
			next:  answer(dns.RcodeNameError), qname: "nope.example.org.", rcode: dns.RcodeNameError,
			want: []string{`[INFO] 10.240.0.1:40212 - 1053 "A IN nope.example.org. udp 34 false 512" NXDOMAIN qr,aa,rd 112 Ds "0"`},
		},
		{
			name:  "outside the name scope",
			rules: []Rule{{NameScope: "example.net.", Format: "{name}", Class: all()}},
			next:  answer(dns.RcodeSuccess), qname: "example.org.",
		},
		{
			name:  "below the name scope, mixed case",
			rules: []Rule{{NameScope: "example.org.", Format: "{name} {rcode}", Class: all()}},
			next:  answer(dns.RcodeSuccess), qname: "WWW.Example.ORG.",
			want: []string{"[INFO] www.example.org. NOERROR"},
		},
		{
			name: "first matching rule wins",
			rules: []Rule{
				{NameScope: "example.net.", Format: "net {name}", Class: all()},
				{NameScope: "example.org.", Format: "org {name}", Class: all()},
				{NameScope: ".", Format: "root {name}", Class: all()},
			},
			next: answer(dns.RcodeSuccess), qname: "a.example.org.",
			want: []string{"[INFO] org a.example.org."},
		},
		{
			name:  "denial class logs NXDOMAIN",
			rules: []Rule{{NameScope: ".", Format: "{rcode}", Class: classes(response.Denial)}},
			next:  answer(dns.RcodeNameError), qname: "example.org.", rcode: dns.RcodeNameError,
			want: []string{"[INFO] NXDOMAIN"},
		},
		{
			name:  "denial class skips success",
			rules: []Rule{{NameScope: ".", Format: "{rcode}", Class: classes(response.Denial)}},
			next:  answer(dns.RcodeSuccess), qname: "example.org.",
		},
		{
			name:  "success and error classes",
			rules: []Rule{{NameScope: ".", Format: "{rcode}", Class: classes(response.Success, response.Error)}},
			next:  answer(dns.RcodeSuccess), qname: "example.org.",
			want: []string{"[INFO] NOERROR"},
		},
		{
			name:  "error class, reply left to the server",
			rules: []Rule{{NameScope: ".", Format: "{rcode} {>rflags} {rsize}", Class: classes(response.Error)}},
			next:  test.NextHandler(dns.RcodeServerFailure, errors.New("upstream down")), qname: "example.org.",
			rcode: dns.RcodeServerFailure, err: true,
			want: []string{"[INFO] SERVFAIL qr,rd 29"},
		},
		{
			name:  "REFUSED left to the server",
			rules: []Rule{{NameScope: ".", Format: "{rcode}", Class: all()}},
			next:  test.NextHandler(dns.RcodeRefused, nil), qname: "example.org.",
			rcode: dns.RcodeRefused,
			want:  []string{"[INFO] REFUSED"},
		},
		{
			name:  "no reply and no error rcode",
			rules: []Rule{{NameScope: ".", Format: "{rcode} {>rflags} {rsize}", Class: all()}},
			next:  test.NextHandler(dns.RcodeSuccess, nil), qname: "example.org.",
			want: []string{"[INFO] - - 0"},
		},
		{
			name:  "no next plugin",
			rules: []Rule{{NameScope: ".", Format: "{rcode}", Class: all()}},
			qname: "example.org.", rcode: dns.RcodeServerFailure, err: true,
			want: []string{"[INFO] SERVFAIL"},
		},
		{
			name:  "percent signs are not verbs",
			rules: []Rule{{NameScope: ".", Format: "100% {type} %s", Class: all()}},
			next:  answer(dns.RcodeSuccess), qname: "example.org.",
			want: []string{"[INFO] 100% A %s"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := captureLog(t)
			l := Logger{Next: tc.next, Rules: tc.rules, repl: replacer.New()}
			r := new(dns.Msg)
			r.SetQuestion(tc.qname, dns.TypeA)
			r.Id = 1053
			rec := dnstest.NewRecorder(&test.ResponseWriter{})

			rc, err := l.ServeDNS(context.Background(), rec, r)
			if rc != tc.rcode || (err != nil) != tc.err {
				t.Errorf("ServeDNS = %d, %v; want %d, error %v", rc, err, tc.rcode, tc.err)
			}
			got := lines(buf)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("logged\n%q\nwant\n%q", got, tc.want)
			}
			// The reply written by the next plugin reaches the client untouched.
			if plugin.ClientWrite(tc.rcode) && tc.next != nil && rec.Msg != nil && rec.Msg.Rcode != tc.rcode {
				t.Errorf("client got rcode %d, want %d", rec.Msg.Rcode, tc.rcode)
			}
		})
	}
}

func TestLoggerPassesAnswerThrough(t *testing.T) {
	captureLog(t)
	l := Logger{Next: answer(dns.RcodeSuccess), Rules: []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: all()}}}
	tc := test.Case{
		Qname: "example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.53")},
	}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := l.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

func TestLoggerEDNSDeferredReply(t *testing.T) {
	buf := captureLog(t)
	l := Logger{Next: test.NextHandler(dns.RcodeServerFailure, nil),
		Rules: []Rule{{NameScope: ".", Format: "{rcode} {>rflags} {rsize} {>do} {>bufsize}", Class: all()}}}
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	r.SetEdns0(1232, true)
	if _, err := l.ServeDNS(context.Background(), &test.ResponseWriter{}, r); err != nil {
		t.Fatal(err)
	}
	want := "[INFO] SERVFAIL qr,rd 40 true 1232"
	if got := lines(buf); len(got) != 1 || got[0] != want {
		t.Errorf("logged %q, want %q", got, want)
	}
}

func BenchmarkLogger(b *testing.B) {
	out := golog.Writer()
	golog.SetOutput(discard{})
	defer golog.SetOutput(out)
	r := new(dns.Msg)
	r.SetQuestion("example.org.", dns.TypeA)
	reply := new(dns.Msg)
	reply.SetReply(r)
	reply.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.53")}
	next := test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, _ *dns.Msg) (int, error) {
		w.WriteMsg(reply) //nolint:errcheck // test writer never fails
		return dns.RcodeSuccess, nil
	})
	l := Logger{Next: next, Rules: []Rule{{NameScope: ".", Format: DefaultLogFormat, Class: all()}}}
	w := &fixedWriter{
		local:  &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 53},
		remote: &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 40212},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		l.ServeDNS(ctx, w, r) //nolint:errcheck // benchmark
	}
}

// fixedWriter returns preallocated addresses, as a real connection does.
type fixedWriter struct {
	test.ResponseWriter
	local, remote net.Addr
}

func (w *fixedWriter) LocalAddr() net.Addr  { return w.local }
func (w *fixedWriter) RemoteAddr() net.Addr { return w.remote }

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
