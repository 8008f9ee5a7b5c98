package httpserver

import (
	"io"
	"net"
	"net/http"
	"testing"
)

func get(t *testing.T, addr net.Addr) (string, error) {
	t.Helper()
	resp, err := http.Get("http://" + addr.String() + "/")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func TestSharedServer(t *testing.T) {
	p := NewPool("Test endpoint")
	starts, cleanups := 0, 0
	start := func(net.Addr) (http.Handler, func()) {
		starts++
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hi") }), func() { cleanups++ } //nolint:errcheck // test
	}

	s1, err := p.Acquire("127.0.0.1:0", start)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := p.Acquire("127.0.0.1:0", start)
	if err != nil {
		t.Fatal(err)
	}
	if s1 != s2 || starts != 1 {
		t.Fatalf("second Acquire started a new server (starts %d)", starts)
	}
	if body, err := get(t, s1.Addr()); err != nil || body != "hi" {
		t.Fatalf("got %q, %v; want hi", body, err)
	}

	if err := p.Release("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t, s1.Addr()); err != nil || cleanups != 0 {
		t.Fatalf("server stopped after the first of two releases: %v, cleanups %d", err, cleanups)
	}
	if err := p.Release("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	if cleanups != 1 {
		t.Errorf("cleanup ran %d times, want 1", cleanups)
	}
	if _, err := get(t, s1.Addr()); err == nil {
		t.Error("server still answers after the last release")
	}
	if err := p.Release("127.0.0.1:0"); err != nil {
		t.Errorf("releasing an unknown address: %v", err)
	}
}

func TestAcquireListenError(t *testing.T) {
	p := NewPool("Test endpoint")
	if _, err := p.Acquire("256.0.0.1:0", func(net.Addr) (http.Handler, func()) { return http.NotFoundHandler(), nil }); err == nil {
		t.Error("want an error for an invalid address")
	}
}
