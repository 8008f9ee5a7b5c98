package ready

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"
)

// fake is a plugin whose readiness the test sets.
type fake struct {
	name  string
	ok    atomic.Bool
	asked atomic.Int32
}

func (f *fake) ServeDNS(context.Context, dns.ResponseWriter, *dns.Msg) (int, error) { return 0, nil }
func (f *fake) Name() string                                                        { return f.name }
func (f *fake) Ready() bool                                                         { f.asked.Add(1); return f.ok.Load() }

func url(t *testing.T, addr string) string {
	t.Helper()
	s, ok := servers.Server(addr)
	if !ok {
		t.Fatalf("no listener for %s", addr)
	}
	return "http://" + s.Addr().String() + path
}

// expect checks the status and body of /ready.
func expect(t *testing.T, u string, status int, body string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || string(b) != body {
		t.Errorf("GET %s: %d %q, want %d %q", u, resp.StatusCode, b, status, body)
	}
}

func newReady(addr string, continuous bool, fs ...*fake) *ready {
	rd := &ready{Addr: addr}
	for _, f := range fs {
		rd.entries = append(rd.entries, &entry{name: f.name, r: f, continuous: continuous})
	}
	return rd
}

func TestUntilReady(t *testing.T) {
	kube, file := &fake{name: "kubernetes"}, &fake{name: "file"}
	rd := newReady("127.0.0.1:0", false, kube, file)
	if err := rd.OnStartup(); err != nil {
		t.Fatal(err)
	}
	defer rd.OnFinalShutdown()
	u := url(t, rd.Addr)

	expect(t, u, http.StatusServiceUnavailable, "file,kubernetes")
	file.ok.Store(true)
	expect(t, u, http.StatusServiceUnavailable, "kubernetes")
	kube.ok.Store(true)
	expect(t, u, http.StatusOK, "OK")

	// Once ready, a plugin is not asked again.
	kube.ok.Store(false)
	asked := kube.asked.Load()
	expect(t, u, http.StatusOK, "OK")
	if kube.asked.Load() != asked {
		t.Error("a plugin that signalled ready was asked again")
	}

	resp, err := http.Get(u[:len(u)-len(path)] + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("other path: %d, want 404", resp.StatusCode)
	}
}

func TestContinuously(t *testing.T) {
	f := &fake{name: "erratic"}
	rd := newReady("127.0.0.1:0", true, f)
	if err := rd.OnStartup(); err != nil {
		t.Fatal(err)
	}
	defer rd.OnFinalShutdown()
	u := url(t, rd.Addr)

	expect(t, u, http.StatusServiceUnavailable, "erratic")
	f.ok.Store(true)
	expect(t, u, http.StatusOK, "OK")
	f.ok.Store(false)
	expect(t, u, http.StatusServiceUnavailable, "erratic")
}

func TestNothingToWaitFor(t *testing.T) {
	rd := newReady("127.0.0.1:0", false)
	if err := rd.OnStartup(); err != nil {
		t.Fatal(err)
	}
	u := url(t, rd.Addr)
	expect(t, u, http.StatusOK, "OK")
	rd.OnFinalShutdown()
	if _, err := http.Get(u); err == nil {
		t.Error("endpoint answers after shutdown")
	}
}

func TestSharedAddress(t *testing.T) {
	// Two server blocks on one address report the union of their plugins;
	// the same plugin name appears once.
	a1, a2, b := &fake{name: "auto"}, &fake{name: "auto"}, &fake{name: "hosts"}
	one := newReady("127.0.0.1:0", false, a1)
	two := newReady("127.0.0.1:0", false, a2, b)
	for _, rd := range []*ready{one, two} {
		if err := rd.OnStartup(); err != nil {
			t.Fatal(err)
		}
	}
	u := url(t, one.Addr)
	expect(t, u, http.StatusServiceUnavailable, "auto,hosts")
	a1.ok.Store(true)
	b.ok.Store(true)
	expect(t, u, http.StatusServiceUnavailable, "auto")

	// A reload replaces both blocks: the old plugins stop counting once the
	// old instance is gone, the new ones are asked from the start.
	one.OnRestart()
	two.OnRestart()
	fresh := &fake{name: "hosts", ok: atomic.Bool{}}
	three := newReady("127.0.0.1:0", false, fresh)
	if err := three.OnStartup(); err != nil {
		t.Fatal(err)
	}
	one.OnShutdown()
	two.OnShutdown()
	expect(t, u, http.StatusServiceUnavailable, "hosts")
	fresh.ok.Store(true)
	expect(t, u, http.StatusOK, "OK")

	// A failed reload leaves the instance reporting.
	three.OnRestart()
	three.OnRestartFailed()
	three.OnShutdown()
	expect(t, u, http.StatusOK, "OK")

	three.OnFinalShutdown()
	if _, err := http.Get(u); err == nil {
		t.Error("endpoint answers after the last block shut down")
	}
}
