package metrics

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	dto "github.com/prometheus/client_model/go"
)

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func get(addr, path string) (int, string, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + path)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// TestSharedListener checks that Metrics of one address share a listener that
// stays up until the last of them lets go.
func TestSharedListener(t *testing.T) {
	addr := freeAddr(t)
	a, b := New(addr), New(addr)
	if err := a.OnStartup(); err != nil {
		t.Fatal(err)
	}
	if err := b.OnStartup(); err != nil {
		t.Fatalf("second OnStartup on a shared address: %v", err)
	}
	if err := a.OnStartup(); err != nil { // idempotent
		t.Fatal(err)
	}
	if ListenAddr != addr {
		t.Errorf("ListenAddr = %q, want %q", ListenAddr, addr)
	}

	code, body, err := get(addr, "/metrics")
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %v", code, err)
	}
	for _, want := range []string{"# TYPE coredns_panics_total counter", "go_goroutines", "process_start_time_seconds"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if code, _, _ := get(addr, "/other"); code != http.StatusNotFound {
		t.Errorf("GET /other: %d, want 404", code)
	}

	if err := a.OnFinalShutdown(); err != nil {
		t.Fatal(err)
	}
	if err := a.OnRestart(); err != nil { // a holds nothing any more
		t.Fatal(err)
	}
	if code, _, err := get(addr, "/metrics"); err != nil || code != http.StatusOK {
		t.Fatalf("listener closed while b still uses it: %d %v", code, err)
	}
	if err := b.OnRestart(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(addr, "/metrics"); err == nil {
		t.Fatal("listener still up after the last release")
	}

	// It can be opened again afterwards.
	if err := a.OnStartup(); err != nil {
		t.Fatal(err)
	}
	defer a.OnFinalShutdown()
	if code, _, err := get(addr, "/metrics"); err != nil || code != http.StatusOK {
		t.Fatalf("reopened listener: %d %v", code, err)
	}
}

// outOfTree stands for the collectors of a plugin built outside this tree,
// which register with promauto in the default registry.
var outOfTree = promauto.NewCounter(prometheus.CounterOpts{Name: "coredns_outoftree_things_total", Help: "test"})

func TestPortZero(t *testing.T) {
	// The counter is global and keeps its count across runs (-count).
	var before dto.Metric
	if err := outOfTree.Write(&before); err != nil {
		t.Fatal(err)
	}
	outOfTree.Inc()
	want := "coredns_outoftree_things_total " + strconv.FormatFloat(before.GetCounter().GetValue()+1, 'g', -1, 64) + "\n"
	m := New("127.0.0.1:0")
	if err := m.OnStartup(); err != nil {
		t.Fatal(err)
	}
	defer m.OnFinalShutdown()
	if strings.HasSuffix(ListenAddr, ":0") || !strings.HasPrefix(ListenAddr, "127.0.0.1:") {
		t.Fatalf("ListenAddr = %q", ListenAddr)
	}
	code, body, err := get(ListenAddr, "/metrics")
	if err != nil || code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %v", code, err)
	}
	if !strings.Contains(body, want) {
		t.Errorf("collector registered with promauto not served as %q", want)
	}
}

func TestListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // without SO_REUSEPORT: a conflict
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	m := New(ln.Addr().String())
	if err := m.OnStartup(); err == nil {
		m.OnFinalShutdown()
		t.Fatal("expected an error for an address in use")
	}
	if err := m.OnFinalShutdown(); err != nil {
		t.Errorf("release without a listener: %v", err)
	}
}

// TestOwnRegistry checks that a Metrics given a registry of its own serves
// it, with the server metrics added.
func TestOwnRegistry(t *testing.T) {
	addr := freeAddr(t)
	m := New(addr)
	m.Reg = prometheus.NewRegistry()
	if err := m.OnStartup(); err != nil {
		t.Fatal(err)
	}
	defer m.OnFinalShutdown()
	_, body, err := get(addr, "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "coredns_panics_total") || strings.Contains(body, "go_goroutines") {
		t.Errorf("unexpected registry served:\n%s", body)
	}
}
