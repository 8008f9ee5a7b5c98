package plugin

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

func TestError(t *testing.T) {
	err := Error("whoami", errors.New("boom"))
	if got := err.Error(); got != "plugin/whoami: boom" {
		t.Errorf("Error() = %q, want %q", got, "plugin/whoami: boom")
	}
}

func TestClientWrite(t *testing.T) {
	tests := map[int]bool{
		dns.RcodeSuccess:        true,
		dns.RcodeNameError:      true,
		dns.RcodeServerFailure:  false,
		dns.RcodeRefused:        false,
		dns.RcodeFormatError:    false,
		dns.RcodeNotImplemented: false,
		dns.RcodeBadVers:        true,
		dns.RcodeNotAuth:        true,
	}
	for rc, want := range tests {
		if got := ClientWrite(rc); got != want {
			t.Errorf("ClientWrite(%s) = %v, want %v", dns.RcodeToString[rc], got, want)
		}
	}
}

func TestNextOrFailure(t *testing.T) {
	called := false
	next := HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		called = true
		return dns.RcodeNameError, nil
	})
	rc, err := NextOrFailure("test", next, context.Background(), nil, new(dns.Msg))
	if !called || rc != dns.RcodeNameError || err != nil {
		t.Errorf("NextOrFailure with next: called=%v rc=%d err=%v", called, rc, err)
	}

	rc, err = NextOrFailure("test", nil, context.Background(), nil, new(dns.Msg))
	if rc != dns.RcodeServerFailure || err == nil || !strings.HasPrefix(err.Error(), "plugin/test: ") {
		t.Errorf("NextOrFailure without next = %d, %v; want SERVFAIL and a plugin/test error", rc, err)
	}
}

func TestHandlerFunc(t *testing.T) {
	h := HandlerFunc(func(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
		return dns.RcodeRefused, nil
	})
	if h.Name() != "handlerfunc" {
		t.Errorf("Name() = %q", h.Name())
	}
	if rc, _ := h.ServeDNS(context.Background(), nil, nil); rc != dns.RcodeRefused {
		t.Errorf("ServeDNS() = %d, want REFUSED", rc)
	}
}

func TestDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	if Done(ctx) {
		t.Error("Done() = true before cancel")
	}
	cancel()
	if !Done(ctx) {
		t.Error("Done() = false after cancel")
	}
}

func BenchmarkZonesMatches(b *testing.B) {
	z := Zones{"example.org.", "a.example.org.", "example.net.", "10.in-addr.arpa.", "cluster.local."}
	for _, q := range []string{"www.a.example.org.", "nothing.example.com."} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = z.Matches(q)
			}
		})
	}
}

// trackingWriter records the plugin names NextOrFailure reports.
type trackingWriter struct {
	dns.ResponseWriter
	names []string
}

func (w *trackingWriter) SetPlugin(name string) { w.names = append(w.names, name) }
func (w *trackingWriter) GetPlugin() string {
	if len(w.names) == 0 {
		return ""
	}
	return w.names[len(w.names)-1]
}

func TestNextOrFailureTracksPlugin(t *testing.T) {
	next := HandlerFunc(func(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) { return 0, nil })
	w := &trackingWriter{}
	NextOrFailure("first", next, context.Background(), w, new(dns.Msg))
	if w.GetPlugin() != "handlerfunc" {
		t.Errorf("tracked plugin %q, want the next handler's name", w.GetPlugin())
	}
	NextOrFailure("first", nil, context.Background(), w, new(dns.Msg))
	if len(w.names) != 1 {
		t.Errorf("tracked %v; a missing next handler must not be tracked", w.names)
	}
}
