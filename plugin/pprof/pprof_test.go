package pprof

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestHandlerServesProfiles(t *testing.T) {
	const addr = "127.0.0.1:0"
	h := &handler{addr: addr}
	if err := h.OnStartup(); err != nil {
		t.Fatal(err)
	}
	// A second block on the same address shares the server.
	h2 := &handler{addr: addr}
	if err := h2.OnStartup(); err != nil {
		t.Fatal(err)
	}
	s, ok := servers.Server(addr)
	if !ok {
		t.Fatal("no server")
	}
	base := "http://" + s.Addr().String()

	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/debug/pprof/", http.StatusOK, "goroutine"},
		{"/debug/pprof/cmdline", http.StatusOK, ""},
		{"/debug/pprof/goroutine?debug=1", http.StatusOK, "goroutine profile:"},
		{"/debug/pprof", http.StatusOK, "heap"}, // redirected to the index
		{"/other", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.wantCode || !strings.Contains(string(body), tc.wantBody) {
			t.Errorf("%s: %d %.80q, want %d with %q", tc.path, resp.StatusCode, body, tc.wantCode, tc.wantBody)
		}
	}

	if err := h.OnShutdown(); err != nil {
		t.Fatal(err)
	}
	if _, ok := servers.Server(addr); !ok {
		t.Fatal("server stopped while still referenced")
	}
	if err := h2.OnShutdown(); err != nil {
		t.Fatal(err)
	}
	if _, ok := servers.Server(addr); ok {
		t.Fatal("server still running after the last release")
	}
	if _, err := http.Get(base + "/debug/pprof/"); err == nil {
		t.Error("endpoint still answers after shutdown")
	}
}
