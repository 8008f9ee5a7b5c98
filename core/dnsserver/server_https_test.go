package dnsserver

import (
	"bytes"
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/coredns/coredns/plugin/pkg/doh"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// addrHandler answers A queries with the client's address, TTL 300, and
// fails when the HTTP request is missing from the context.
type addrHandler struct{}

func (addrHandler) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if _, ok := ctx.Value(HTTPRequestKey{}).(*http.Request); !ok {
		return dns.RcodeServerFailure, nil
	}
	m := new(dns.Msg)
	m.SetReply(r)
	ip := w.RemoteAddr().(*net.TCPAddr).IP
	m.Answer = []dns.RR{test.A(r.Question[0].Name + " 300 IN A " + ip.String())}
	w.WriteMsg(m)
	return dns.RcodeSuccess, nil
}

func (addrHandler) Name() string { return "addr" }

func dohTestServer(t *testing.T) *ServerHTTPS {
	t.Helper()
	cfg := handlerConfig("example.org.", addrHandler{})
	cfg.Transport = "https"
	s, err := NewServerHTTPS("https://127.0.0.1:443", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestServeHTTP(t *testing.T) {
	s := dohTestServer(t)
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	wire, _ := q.Pack()
	refused := new(dns.Msg)
	refused.SetQuestion("example.net.", dns.TypeA)
	refusedWire, _ := refused.Pack()

	tests := []struct {
		name   string
		req    *http.Request
		status int
		cache  string
		tc     *test.Case
	}{
		{"get", httptest.NewRequest(http.MethodGet, "/dns-query?dns="+base64.RawURLEncoding.EncodeToString(wire), nil),
			http.StatusOK, "max-age=300", &test.Case{Qname: "example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.10")}}},
		{"post", httptest.NewRequest(http.MethodPost, "/dns-query", bytes.NewReader(wire)),
			http.StatusOK, "max-age=300", &test.Case{Qname: "example.org.", Qtype: dns.TypeA,
				Answer: []dns.RR{test.A("example.org. 300 IN A 192.0.2.10")}}},
		{"refused", httptest.NewRequest(http.MethodPost, "/dns-query", bytes.NewReader(refusedWire)),
			http.StatusOK, "max-age=5", &test.Case{Qname: "example.net.", Qtype: dns.TypeA, Rcode: dns.RcodeRefused}},
		{"wrong path", httptest.NewRequest(http.MethodGet, "/resolve", nil), http.StatusNotFound, "", nil},
		{"no dns parameter", httptest.NewRequest(http.MethodGet, "/dns-query", nil), http.StatusBadRequest, "", nil},
		{"bad base64", httptest.NewRequest(http.MethodGet, "/dns-query?dns=***", nil), http.StatusBadRequest, "", nil},
		{"bad message", httptest.NewRequest(http.MethodPost, "/dns-query", bytes.NewReader([]byte{0, 1})), http.StatusBadRequest, "", nil},
		{"bad method", httptest.NewRequest(http.MethodPut, "/dns-query", bytes.NewReader(wire)), http.StatusBadRequest, "", nil},
	}
	for _, tc := range tests {
		tc.req.RemoteAddr = "192.0.2.10:4321"
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, tc.req)
		if rec.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.status)
			continue
		}
		if tc.tc == nil {
			continue
		}
		if got := rec.Header().Get("Cache-Control"); got != tc.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tc.name, got, tc.cache)
		}
		if got := rec.Header().Get("Content-Type"); got != doh.MimeType {
			t.Errorf("%s: Content-Type %q", tc.name, got)
		}
		m := new(dns.Msg)
		if err := m.Unpack(rec.Body.Bytes()); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := test.SortAndCheck(m, *tc.tc); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestServeHTTPValidateFunc(t *testing.T) {
	cfg := handlerConfig("example.org.", addrHandler{})
	cfg.HTTPRequestValidateFunc = func(r *http.Request) bool { return r.Header.Get("X-Allowed") == "yes" }
	s, err := NewServerHTTPS("https://127.0.0.1:443", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	q := new(dns.Msg)
	q.SetQuestion("example.org.", dns.TypeA)
	wire, _ := q.Pack()
	for _, allowed := range []string{"no", "yes"} {
		req := httptest.NewRequest(http.MethodPost, "/dns-query", bytes.NewReader(wire))
		req.Header.Set("X-Allowed", allowed)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		want := http.StatusBadRequest
		if allowed == "yes" {
			want = http.StatusOK
		}
		if rec.Code != want {
			t.Errorf("allowed=%s: status %d, want %d", allowed, rec.Code, want)
		}
	}
}

func TestDoHWriter(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/dns-query", nil)
	w := &DoHWriter{raddr: remoteAddr(req), request: req}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	wire, _ := m.Pack()
	if n, err := w.Write(wire); err != nil || n != len(wire) {
		t.Fatalf("Write: %d, %v", n, err)
	}
	if w.Msg == nil || w.Msg.Question[0].Name != "example.org." {
		t.Errorf("Msg %v", w.Msg)
	}
	if _, err := w.Write([]byte{1}); err == nil {
		t.Error("Write of garbage succeeded")
	}
	if w.Request() != req || w.Network() != "https" {
		t.Error("Request or Network wrong")
	}
	if a, ok := w.RemoteAddr().(*net.TCPAddr); !ok || a.String() != "192.0.2.1:1234" {
		t.Errorf("RemoteAddr %v", w.RemoteAddr())
	}
}
