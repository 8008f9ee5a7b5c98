package health

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

// url returns the /health URL of the listener opened for addr.
func url(t *testing.T, addr string) string {
	t.Helper()
	s, ok := servers.Server(addr)
	if !ok {
		t.Fatalf("no listener for %s", addr)
	}
	return "http://" + s.Addr().String() + path
}

// get returns the status and body of a GET of u, or an error.
func get(u string) (int, string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func TestHealth(t *testing.T) {
	h := &health{Addr: "127.0.0.1:0", shutdown: &lameduckGroup{}}
	if err := h.OnStartup(); err != nil {
		t.Fatal(err)
	}
	u := url(t, h.Addr)
	status, body, err := get(u)
	if err != nil || status != http.StatusOK || body != "OK" {
		t.Fatalf("GET %s: %d %q %v, want 200 OK", u, status, body, err)
	}
	status, _, err = get(u[:len(u)-len(path)] + "/metrics")
	if err != nil || status != http.StatusNotFound {
		t.Errorf("other path: %d %v, want 404", status, err)
	}

	if err := h.OnFinalShutdown(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(u); err == nil {
		t.Error("endpoint still answers after shutdown")
	}
	// A second shutdown is harmless.
	if err := h.OnFinalShutdown(); err != nil {
		t.Fatal(err)
	}
}

func TestListenerShared(t *testing.T) {
	// Two server blocks on one address, then a reload that keeps it.
	a := &health{Addr: "127.0.0.1:0", shutdown: &lameduckGroup{}}
	b := &health{Addr: "127.0.0.1:0", shutdown: a.shutdown}
	for _, h := range []*health{a, b} {
		if err := h.OnStartup(); err != nil {
			t.Fatal(err)
		}
	}
	u := url(t, a.Addr)

	a.OnRestart()
	b.OnRestart()
	c := &health{Addr: "127.0.0.1:0", shutdown: &lameduckGroup{}}
	if err := c.OnStartup(); err != nil {
		t.Fatal(err)
	}
	a.OnShutdown()
	b.OnShutdown()
	if status, _, err := get(u); err != nil || status != http.StatusOK {
		t.Fatalf("after reload: %d %v, want 200", status, err)
	}

	// A failed reload keeps the old instance's reference.
	c.OnRestart()
	c.OnRestartFailed()
	c.OnShutdown()
	if status, _, err := get(u); err != nil || status != http.StatusOK {
		t.Fatalf("after failed reload: %d %v, want 200", status, err)
	}

	c.OnShutdown()
	c.OnFinalShutdown()
	if _, _, err := get(u); err == nil {
		t.Error("endpoint still answers after the last reference went")
	}
}

func TestAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h := &health{Addr: ln.Addr().String(), shutdown: &lameduckGroup{}}
	// reuseport lets a second listener bind; without it the bind fails.
	// Either way a failure must not leave a reference behind.
	if err := h.OnStartup(); err != nil {
		if h.held {
			t.Error("failed startup holds a reference")
		}
		return
	}
	h.OnFinalShutdown()
}

func TestLameduck(t *testing.T) {
	const lameduck = 300 * time.Millisecond
	g := &lameduckGroup{}
	a := &health{Addr: "127.0.0.1:0", lameduck: lameduck, shutdown: g}
	if err := a.OnStartup(); err != nil {
		t.Fatal(err)
	}
	b := &health{Addr: "localhost:0", lameduck: lameduck, shutdown: g}
	if err := b.OnStartup(); err != nil {
		t.Fatal(err)
	}
	u := url(t, a.Addr)

	start := time.Now()
	done := make(chan struct{})
	go func() {
		a.OnShutdown()
		b.OnShutdown()
		a.OnFinalShutdown()
		b.OnFinalShutdown()
		close(done)
	}()

	time.Sleep(lameduck / 3)
	if status, body, err := get(u); err != nil || status != http.StatusOK || body != "OK" {
		t.Errorf("during lameduck: %d %q %v, want 200 OK", status, body, err)
	}
	<-done
	elapsed := time.Since(start)
	if elapsed < lameduck {
		t.Errorf("shutdown took %v, want at least the lameduck %v", elapsed, lameduck)
	}
	if _, _, err := get(u); err == nil {
		t.Error("endpoint still answers after lameduck")
	}
}

func TestLameduckOverlaps(t *testing.T) {
	// Two health plugins of one instance wait together, not one after the
	// other: the second waits only for what is left of its own duration.
	g := &lameduckGroup{}
	a := &health{lameduck: 200 * time.Millisecond, shutdown: g}
	b := &health{lameduck: 300 * time.Millisecond, shutdown: g}
	c := &health{lameduck: 100 * time.Millisecond, shutdown: g}
	start := time.Now()
	a.waitLameduck()
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("first wait took %v, want 200ms", d)
	}
	mid := time.Now()
	b.waitLameduck()
	if d := time.Since(mid); d > 250*time.Millisecond {
		t.Errorf("second wait took %v, want about 100ms", d)
	}
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Errorf("both waits took %v, want the longest lameduck, 300ms", d)
	}
	last := time.Now()
	c.waitLameduck() // its 100ms are long over
	if d := time.Since(last); d > 50*time.Millisecond {
		t.Errorf("third wait took %v, want none", d)
	}
	(&health{shutdown: &lameduckGroup{}}).waitLameduck() // no lameduck: no wait
}

func TestSelfCheckMetrics(t *testing.T) {
	defer checkInterval.Store(checkInterval.Load())
	checkInterval.Store(int64(10 * time.Millisecond))

	before := histogramCount(t)
	failuresBefore := counterValue(t)

	h := &health{Addr: "127.0.0.1:0", shutdown: &lameduckGroup{}}
	if err := h.OnStartup(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for histogramCount(t) < before+3 {
		if time.Now().After(deadline) {
			t.Fatal("self check did not record durations")
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.OnFinalShutdown()
	if f := counterValue(t); f != failuresBefore {
		t.Errorf("failures went from %v to %v against a healthy endpoint", failuresBefore, f)
	}

	// Against an address where nothing listens every check fails.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + path
	ln.Close()
	quit := make(chan struct{})
	go selfCheck(dead, quit)
	deadline = time.Now().Add(2 * time.Second)
	for counterValue(t) < failuresBefore+2 {
		if time.Now().After(deadline) {
			close(quit)
			t.Fatal("failed checks were not counted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(quit)
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		addr net.Addr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/health"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://localhost:8080/health"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 9}, "http://localhost:9/health"},
		{&net.TCPAddr{IP: net.ParseIP("::1"), Port: 53}, "http://[::1]:53/health"},
	}
	for _, tc := range tests {
		if got := checkURL(tc.addr); got != tc.want {
			t.Errorf("%v: got %s, want %s", tc.addr, got, tc.want)
		}
	}
}

func histogramCount(t *testing.T) uint64 {
	t.Helper()
	var m dto.Metric
	if err := HealthDuration.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetHistogram().GetSampleCount()
}

func counterValue(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := HealthFailures.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
