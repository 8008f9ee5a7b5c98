package test

import (
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// httpGet returns the status and body at url, or an error.
func httpGet(url string) (int, string, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// freeAddr returns 127.0.0.1:PORT for a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}

func TestHealthLameduck(t *testing.T) {
	healthAddr, metricsAddr := freeAddr(t), freeAddr(t)
	const lameduck = 600 * time.Millisecond
	corefile := `example.org:0 {
		bind 127.0.0.1
		health ` + healthAddr + ` {
			lameduck ` + lameduck.String() + `
		}
		prometheus ` + metricsAddr + `
		whoami
	}
	example.net:0 {
		bind 127.0.0.1
		health ` + healthAddr + `
		whoami
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()
	url := "http://" + healthAddr + "/health"

	if status, body, err := httpGet(url); err != nil || status != http.StatusOK || body != "OK" {
		t.Fatalf("GET %s: %d %q %v, want 200 OK", url, status, body, err)
	}

	// The self check runs once a second and shows up in the metrics.
	deadline := time.Now().Add(5 * time.Second)
	for test.ScrapeMetricAsInt(metricsAddr, "coredns_health_request_duration_seconds", "", 0) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("coredns_health_request_duration_seconds not exported")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if f := test.ScrapeMetricAsInt(metricsAddr, "coredns_health_request_failures_total", "", 0); f != 0 {
		t.Errorf("coredns_health_request_failures_total is %d, want 0", f)
	}

	// A final shutdown keeps health and DNS up for the lameduck period.
	start := time.Now()
	done := make(chan time.Duration)
	go func() {
		i.ShutdownCallbacks()
		done <- time.Since(start)
	}()
	time.Sleep(lameduck / 3)
	if status, body, err := httpGet(url); err != nil || status != http.StatusOK || body != "OK" {
		t.Errorf("during lameduck: %d %q %v, want 200 OK", status, body, err)
	}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	if _, err := dns.Exchange(m, udp); err != nil {
		t.Errorf("DNS query during lameduck: %s", err)
	}
	var took time.Duration
	select {
	case took = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown callbacks did not return")
	}
	if took < lameduck {
		t.Errorf("shutdown took %v, want at least the lameduck %v", took, lameduck)
	}
	if took > lameduck+3*time.Second {
		t.Errorf("shutdown took %v, far longer than the lameduck %v", took, lameduck)
	}
	if _, _, err := httpGet(url); err == nil {
		t.Error("health endpoint still answers after shutdown")
	}
}

func TestHealthSurvivesReload(t *testing.T) {
	healthAddr := freeAddr(t)
	corefile := `example.org:0 {
		bind 127.0.0.1
		health ` + healthAddr + `
		whoami
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	url := "http://" + healthAddr + "/health"

	stop := make(chan struct{})
	failures := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				failures <- n
				return
			default:
			}
			if status, _, err := httpGet(url); err != nil || status != http.StatusOK {
				n++
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()

	next, err := i.Restart(NewInput(corefile + "\nexample.net:0 {\n bind 127.0.0.1\n health " + healthAddr + "\n whoami\n}\n"))
	if err != nil {
		close(stop)
		<-failures
		t.Fatalf("reload failed: %s", err)
	}
	time.Sleep(50 * time.Millisecond)
	close(stop)
	if n := <-failures; n != 0 {
		t.Errorf("%d health checks failed across the reload", n)
	}
	if status, body, err := httpGet(url); err != nil || status != http.StatusOK || body != "OK" {
		t.Errorf("after reload: %d %q %v, want 200 OK", status, body, err)
	}
	next.ShutdownCallbacks()
	next.Stop()
	if _, _, err := httpGet(url); err == nil {
		t.Error("health endpoint still answers after shutdown")
	}
}
