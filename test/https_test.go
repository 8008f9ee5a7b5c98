package test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/doh"

	"github.com/miekg/dns"
	"github.com/quic-go/quic-go/http3"
)

func dohServer(t *testing.T, scheme, extra string) (stop func(), addr string, client *http.Client) {
	t.Helper()
	cert, key, cc := testCert(t)
	corefile := scheme + `://.:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + `
		` + extra + `
		whoami
	}`
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	if scheme == "https3" {
		tr := &http3.Transport{TLSClientConfig: cc}
		return func() { tr.Close(); CoreDNSServerStop(i) }, udp, &http.Client{Transport: tr, Timeout: 5 * time.Second}
	}
	tr := &http.Transport{TLSClientConfig: cc, ForceAttemptHTTP2: true}
	return func() { tr.CloseIdleConnections(); CoreDNSServerStop(i) }, tcp, &http.Client{Transport: tr, Timeout: 5 * time.Second}
}

func testDoH(t *testing.T, scheme, extra string) {
	stop, addr, client := dohServer(t, scheme, extra)
	defer stop()

	for _, method := range []string{http.MethodGet, http.MethodPost} {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		m.Id = 0
		req, err := doh.NewRequestWithContext(context.Background(), method, "https://"+addr, "", m)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s: %s", method, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != doh.MimeType {
			t.Errorf("%s: content type %q", method, ct)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "max-age=0" {
			t.Errorf("%s: cache control %q, want max-age=0 (whoami TTLs are 0)", method, cc)
		}
		r, err := doh.ResponseToMsg(resp)
		if err != nil {
			t.Fatalf("%s: %s", method, err)
		}
		checkWhoami(t, r, "tcp")
	}

	tests := []struct {
		method, path, ctype string
		body                []byte
		want                int
	}{
		{http.MethodGet, "/other", "", nil, http.StatusNotFound},
		{http.MethodGet, "/dns-query", "", nil, http.StatusBadRequest},
		{http.MethodGet, "/dns-query?dns=AAAA", "", nil, http.StatusBadRequest},
		{http.MethodPost, "/dns-query", doh.MimeType, []byte{1, 2, 3}, http.StatusBadRequest},
		{http.MethodPut, "/dns-query", doh.MimeType, []byte{1, 2, 3}, http.StatusBadRequest},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(tc.method, "https://"+addr+tc.path, bytes.NewReader(tc.body))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %s", tc.method, tc.path, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
}

func TestHTTPSServer(t *testing.T) { testDoH(t, "https", "") }

func TestHTTPSServerOptions(t *testing.T) { testDoH(t, "https", "https {\nmax_connections 5\n}") }

func TestHTTPS3Server(t *testing.T) {
	testDoH(t, "https3", "https3 {\nmax_streams 10\nmax_connections 5\n}")
}

func TestHTTPSServerPlain(t *testing.T) {
	// Without a tls directive DoH is served over plain HTTP.
	_, tcp := startServer(t, "https://.:0 {\nbind 127.0.0.1\nwhoami\n}")
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	req, _ := doh.NewRequest(http.MethodPost, "http://"+tcp, "", m)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r, err := doh.ResponseToMsg(resp)
	if err != nil {
		t.Fatal(err)
	}
	checkWhoami(t, r, "tcp")
}

func TestHTTPSCacheControl(t *testing.T) {
	cert, key, cc := testCert(t)
	corefile := `https://example.org:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + `
		template IN A example.org {
			answer "{{ .Name }} 120 IN A 192.0.2.1"
		}
	}`
	i, _, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		if strings.Contains(err.Error(), "template") {
			t.Skip("template plugin not built")
		}
		t.Fatalf("could not start server: %s", err)
	}
	defer CoreDNSServerStop(i)
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	req, _ := doh.NewRequest(http.MethodGet, "https://"+tcp, "", m)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: cc}, Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Cache-Control"); got != "max-age=120" {
		t.Errorf("Cache-Control %q, want max-age=120", got)
	}
	r, err := doh.ResponseToMsg(resp)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Answer) != 1 || r.Answer[0].String() != "example.org.\t120\tIN\tA\t192.0.2.1" {
		t.Errorf("answer %v", r.Answer)
	}
}
