package test

import (
	"net/http"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// expectReady checks the status and body of a GET of url.
func expectReady(t *testing.T, url string, status int, body string) {
	t.Helper()
	s, b, err := httpGet(url)
	if err != nil {
		t.Fatalf("GET %s: %s", url, err)
	}
	if s != status || b != body {
		t.Errorf("GET %s: %d %q, want %d %q", url, s, b, status, body)
	}
}

// erraticQueries sends n queries to addr, answered or not.
func erraticQueries(addr string, n int) {
	for range n {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		c := &dns.Client{Timeout: 500 * time.Millisecond}
		c.Exchange(m, addr) //nolint:errcheck // erratic may drop it
	}
}

// erratic reports ready while it has seen 3 or 4 queries, which lets these
// tests watch the endpoint change its mind.

func TestReadyUntilReady(t *testing.T) {
	readyAddr := freeAddr(t)
	corefile := `example.org:0 {
		bind 127.0.0.1
		ready ` + readyAddr + `
		erratic {
			drop 0
		}
	}
	example.net:0 {
		bind 127.0.0.1
		whoami
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()
	url := "http://" + readyAddr + "/ready"

	expectReady(t, url, http.StatusServiceUnavailable, "erratic")
	erraticQueries(udp, 3)
	expectReady(t, url, http.StatusOK, "OK")
	// erratic is no longer ready after 5 queries, but has signalled once.
	erraticQueries(udp, 2)
	expectReady(t, url, http.StatusOK, "OK")

	i.ShutdownCallbacks()
	if _, _, err := httpGet(url); err == nil {
		t.Error("ready endpoint still answers after shutdown")
	}
}

func TestReadyContinuously(t *testing.T) {
	readyAddr := freeAddr(t)
	corefile := `example.org:0 {
		bind 127.0.0.1
		ready ` + readyAddr + ` {
			monitor continuously
		}
		erratic {
			drop 0
		}
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()
	url := "http://" + readyAddr + "/ready"

	expectReady(t, url, http.StatusServiceUnavailable, "erratic")
	erraticQueries(udp, 3)
	expectReady(t, url, http.StatusOK, "OK")
	erraticQueries(udp, 2)
	expectReady(t, url, http.StatusServiceUnavailable, "erratic")
	i.ShutdownCallbacks()
}

func TestReadyDuringLameduck(t *testing.T) {
	readyAddr, healthAddr := freeAddr(t), freeAddr(t)
	const lameduck = 500 * time.Millisecond
	corefile := `example.org:0 {
		bind 127.0.0.1
		ready ` + readyAddr + `
		health ` + healthAddr + ` {
			lameduck ` + lameduck.String() + `
		}
		whoami
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()
	readyURL, healthURL := "http://"+readyAddr+"/ready", "http://"+healthAddr+"/health"
	expectReady(t, readyURL, http.StatusOK, "OK")

	done := make(chan struct{})
	go func() { i.ShutdownCallbacks(); close(done) }()
	time.Sleep(lameduck / 3)
	// Healthy but no longer ready.
	expectReady(t, healthURL, http.StatusOK, "OK")
	if s, _, err := httpGet(readyURL); err == nil && s == http.StatusOK {
		t.Error("ready answers OK during lameduck")
	}
	<-done
}
