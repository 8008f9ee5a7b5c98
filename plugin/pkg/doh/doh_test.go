package doh

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/miekg/dns"
)

func TestRequestRoundTrip(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeDNSKEY)
		m.Id = 0
		req, err := NewRequest(method, "https://example.net:443", "doh.example", m)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		if req.URL.Path != Path {
			t.Errorf("%s: path %q, want %q", method, req.URL.Path, Path)
		}
		if req.Host != "doh.example" {
			t.Errorf("%s: host %q", method, req.Host)
		}
		if req.Header.Get("Accept") != MimeType {
			t.Errorf("%s: accept %q", method, req.Header.Get("Accept"))
		}
		got, wire, err := RequestToMsgWire(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		want, _ := m.Pack()
		if !bytes.Equal(wire, want) {
			t.Errorf("%s: wire differs", method)
		}
		if got.Question[0] != m.Question[0] {
			t.Errorf("%s: question %v, want %v", method, got.Question[0], m.Question[0])
		}
	}
}

func TestNewRequestURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://1.2.3.4", "https://1.2.3.4/dns-query"},
		{"1.2.3.4:8443", "https://1.2.3.4:8443/dns-query"},
		{"https://dns.example/custom", "https://dns.example/custom"},
	}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	for _, tc := range tests {
		req, err := NewRequest(http.MethodPost, tc.in, "", m)
		if err != nil {
			t.Fatal(err)
		}
		if got := req.URL.String(); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBadRequests(t *testing.T) {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, err := NewRequest(http.MethodPut, "https://x", "", m); err == nil {
		t.Error("PUT: expected error")
	}
	tests := []*http.Request{
		mustReq(http.MethodGet, "https://x/dns-query", nil),
		mustReq(http.MethodGet, "https://x/dns-query?dns=!!!", nil),
		mustReq(http.MethodGet, "https://x/dns-query?dns=AAAA", nil),
		mustReq(http.MethodPost, "https://x/dns-query", []byte{1, 2, 3}),
		mustReq(http.MethodDelete, "https://x/dns-query", nil),
	}
	for i, req := range tests {
		if _, err := RequestToMsg(req); err == nil {
			t.Errorf("%d: expected error", i)
		}
	}
}

func TestResponseToMsg(t *testing.T) {
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	buf, _ := m.Pack()
	got, err := ResponseToMsg(&http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(buf))})
	if err != nil || got.Question[0].Name != "example.org." {
		t.Fatalf("got %v, %v", got, err)
	}
	if _, err := ResponseToMsg(&http.Response{StatusCode: 500, Body: io.NopCloser(bytes.NewReader(buf))}); err == nil {
		t.Error("status 500: expected error")
	}
}

func mustReq(method, url string, body []byte) *http.Request {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		panic(err)
	}
	return req
}
