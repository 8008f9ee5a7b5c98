package errors

import (
	"bytes"
	"context"
	"errors"
	golog "log"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	clog "github.com/coredns/coredns/plugin/pkg/log"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSuffix(b.buf.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// captureLog sends the standard logger to a buffer, without time stamps,
// until the test ends.
func captureLog(t testing.TB) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	out, flags := golog.Writer(), golog.Flags()
	golog.SetOutput(buf)
	golog.SetFlags(0)
	t.Cleanup(func() {
		golog.SetOutput(out)
		golog.SetFlags(flags)
	})
	return buf
}

func query(name string, qtype uint16) *dns.Msg {
	r := new(dns.Msg)
	r.SetQuestion(name, qtype)
	return r
}

func TestErrorsLogsNextError(t *testing.T) {
	tests := []struct {
		name  string
		next  plugin.Handler
		qname string
		qtype uint16
		rcode int
		err   string
		want  []string
	}{
		{
			name: "error with rcode", next: test.NextHandler(dns.RcodeServerFailure, errors.New("upstream went away")),
			qname: "Example.ORG.", qtype: dns.TypeA, rcode: dns.RcodeServerFailure, err: "upstream went away",
			want: []string{"[ERROR] plugin/errors: 2 example.org. A: upstream went away"},
		},
		{
			name: "error with a written answer", next: test.NextHandler(dns.RcodeSuccess, errors.New("late failure")),
			qname: "example.org.", qtype: dns.TypeAAAA, rcode: dns.RcodeSuccess, err: "late failure",
			want: []string{"[ERROR] plugin/errors: 0 example.org. AAAA: late failure"},
		},
		{
			name: "no error", next: test.ErrorHandler(),
			qname: "example.org.", qtype: dns.TypeMX, rcode: dns.RcodeServerFailure,
		},
		{
			name: "no next plugin", qname: "example.org.", qtype: dns.TypeTXT, rcode: dns.RcodeServerFailure,
			err:  "plugin/errors: no next plugin found",
			want: []string{"[ERROR] plugin/errors: 2 example.org. TXT: plugin/errors: no next plugin found"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := captureLog(t)
			h := &errorHandler{Next: tc.next}
			rec := dnstest.NewRecorder(&test.ResponseWriter{})
			rc, err := h.ServeDNS(context.Background(), rec, query(tc.qname, tc.qtype))
			if rc != tc.rcode {
				t.Errorf("rcode %d, want %d", rc, tc.rcode)
			}
			if (err == nil && tc.err != "") || (err != nil && err.Error() != tc.err) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
			if got := buf.lines(); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("logged %q, want %q", got, tc.want)
			}
		})
	}
}

func TestErrorsPassesAnswerThrough(t *testing.T) {
	captureLog(t)
	next := test.HandlerFunc(func(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}
		w.WriteMsg(m) //nolint:errcheck // test writer never fails
		return dns.RcodeSuccess, nil
	})
	h := &errorHandler{Next: next}
	tc := test.Case{Qname: "example.org.", Qtype: dns.TypeA, Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.1")}}
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	if _, err := h.ServeDNS(context.Background(), rec, tc.Msg()); err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(rec.Msg, tc); err != nil {
		t.Error(err)
	}
}

// serve sends one query through h whose next plugin fails with msg.
func serve(h *errorHandler, msg string) {
	h.Next = test.NextHandler(dns.RcodeServerFailure, errors.New(msg))
	h.ServeDNS(context.Background(), &test.ResponseWriter{}, query("example.org.", dns.TypeA)) //nolint:errcheck // logged
}

func TestConsolidate(t *testing.T) {
	buf := captureLog(t)
	h := &errorHandler{patterns: []*pattern{
		{period: 50 * time.Millisecond, re: regexp.MustCompile(`i/o timeout$`), logf: log.Warning},
		{period: 50 * time.Millisecond, re: regexp.MustCompile(`^Failed to .+`), logf: log.Error, showFirst: true},
		{period: 50 * time.Millisecond, re: regexp.MustCompile(`^once`), logf: log.Info, showFirst: true},
		{period: 50 * time.Millisecond, re: regexp.MustCompile(`^single`), logf: log.Info},
	}}
	defer h.stop()

	serve(h, "read udp 10.0.0.1:53->8.8.8.8:53: i/o timeout")
	serve(h, "read udp 10.0.0.1:53->8.8.4.4:53: i/o timeout")
	serve(h, "Failed to connect")
	serve(h, "Failed to connect again")
	serve(h, "Failed to connect once more")
	serve(h, "once only")
	serve(h, "single")
	serve(h, "something else")
	serve(h, "i/o timeout in the middle")

	// Before the period ends: the first show_first errors and the unmatched ones.
	want := []string{
		"[ERROR] plugin/errors: 2 example.org. A: Failed to connect",
		"[INFO] plugin/errors: 2 example.org. A: once only",
		"[ERROR] plugin/errors: 2 example.org. A: something else",
		"[ERROR] plugin/errors: 2 example.org. A: i/o timeout in the middle",
	}
	if got := buf.lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("before the period ended, logged\n%q\nwant\n%q", got, want)
	}

	summaries := []string{
		"[WARNING] plugin/errors: 2 errors like 'i/o timeout$' occurred in last 50ms",
		"[ERROR] plugin/errors: 3 errors like '^Failed to .+' occurred in last 50ms",
		"[INFO] plugin/errors: 1 errors like '^single' occurred in last 50ms",
	}
	got := waitLines(buf, len(want)+len(summaries))
	checkSummaries(t, got[len(want):], summaries)

	// A new period starts with the next error.
	serve(h, "Failed to resolve")
	if got := waitLines(buf, len(want)+len(summaries)+1); got[len(got)-1] != "[ERROR] plugin/errors: 2 example.org. A: Failed to resolve" {
		t.Errorf("new period: logged %q", got[len(got)-1])
	}
}

func TestConsolidateStop(t *testing.T) {
	buf := captureLog(t)
	h := &errorHandler{patterns: []*pattern{
		{period: time.Hour, re: regexp.MustCompile(`timeout`), logf: log.Error},
	}}
	serve(h, "timeout 1")
	serve(h, "timeout 2")
	h.stop()
	want := []string{"[ERROR] plugin/errors: 2 errors like 'timeout' occurred in last 1h0m0s"}
	if got := buf.lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("at stop, logged %q, want %q", got, want)
	}
	// After stop, matching errors are logged one by one.
	serve(h, "timeout 3")
	if got := buf.lines(); len(got) != 2 || got[1] != "[ERROR] plugin/errors: 2 example.org. A: timeout 3" {
		t.Errorf("after stop, logged %q", got)
	}
	h.stop() // stopping twice is harmless
}

func TestConsolidateDebugLevel(t *testing.T) {
	buf := captureLog(t)
	h := &errorHandler{patterns: []*pattern{
		{period: time.Hour, re: regexp.MustCompile(`x`), logf: log.Debug, showFirst: true},
	}}
	defer h.stop()
	serve(h, "x")
	if got := buf.lines(); len(got) != 0 {
		t.Errorf("debug output without debug on: %q", got)
	}
	clog.D.Set()
	defer clog.D.Clear()
	h.stop()
	h.stopped.Store(false)
	serve(h, "x")
	if got := buf.lines(); len(got) != 1 || got[0] != "[DEBUG] plugin/errors: 2 example.org. A: x" {
		t.Errorf("debug on: logged %q", got)
	}
}

func TestConsolidateConcurrent(t *testing.T) {
	buf := captureLog(t)
	h := &errorHandler{patterns: []*pattern{
		{period: time.Hour, re: regexp.MustCompile(`^boom`), logf: log.Error},
	}}
	next := test.NextHandler(dns.RcodeServerFailure, errors.New("boom"))
	h.Next = next
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				h.ServeDNS(context.Background(), &test.ResponseWriter{}, query("example.org.", dns.TypeA)) //nolint:errcheck // logged
			}
		})
	}
	wg.Wait()
	h.stop()
	want := "[ERROR] plugin/errors: 800 errors like '^boom' occurred in last 1h0m0s"
	if got := buf.lines(); len(got) != 1 || got[0] != want {
		t.Errorf("logged %q, want %q", got, want)
	}
}

// waitLines waits up to two seconds for n lines of output.
func waitLines(buf *syncBuffer, n int) []string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := buf.lines()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkSummaries compares summary lines, which timers write in any order.
func checkSummaries(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("summaries %q, want %q", got, want)
	}
	seen := map[string]bool{}
	for _, g := range got {
		seen[g] = true
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("missing summary %q in %q", w, got)
		}
	}
}
