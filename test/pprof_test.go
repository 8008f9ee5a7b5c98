package test

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestPprof(t *testing.T) {
	addr := freeAddr(t)
	corefile := `example.org:0 {
		bind 127.0.0.1
		pprof ` + addr + ` {
			block
		}
		whoami
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	stopped := false
	defer func() {
		if !stopped {
			CoreDNSServerStop(i)
		}
	}()
	defer runtime.SetBlockProfileRate(0)

	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/debug/pprof/", http.StatusOK, "Types of profiles available"},
		{"/debug/pprof", http.StatusOK, "goroutine"}, // redirected to the index
		{"/debug/pprof/goroutine?debug=1", http.StatusOK, "goroutine profile: total"},
		{"/debug/pprof/block?debug=1", http.StatusOK, "--- contention:"},
		{"/debug/pprof/cmdline", http.StatusOK, ""},
		{"/debug/pprof/symbol", http.StatusOK, "num_symbols"},
		{"/metrics", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		code, body, err := httpGet("http://" + addr + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		if code != tc.wantCode || !strings.Contains(body, tc.wantBody) {
			t.Errorf("GET %s: %d %.100q, want %d containing %q", tc.path, code, body, tc.wantCode, tc.wantBody)
		}
	}

	// The DNS side is untouched.
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	r, err := dns.Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	if r.Rcode != dns.RcodeSuccess || len(r.Extra) != 2 {
		t.Errorf("unexpected answer %v", r)
	}

	CoreDNSServerStop(i)
	stopped = true
	c := &http.Client{Timeout: time.Second}
	if resp, err := c.Get("http://" + addr + "/debug/pprof/"); err == nil {
		resp.Body.Close()
		t.Error("pprof endpoint still answers after shutdown")
	}
}
