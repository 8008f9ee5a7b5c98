package test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin/reload"

	"github.com/miekg/dns"
	dto "github.com/prometheus/client_model/go"
)

// reloadCorefile answers A queries for example.org with addr.
func reloadCorefile(port int, addr, extra string) string {
	return `example.org:` + strconv.Itoa(port) + ` {
	bind 127.0.0.1
	reload 2s 0s
	template IN A example.org {
		answer "{{ .Name }} 60 IN A ` + addr + `"
	}
	` + extra + `
}
`
}

// currentInstance returns the running instance started from path.
func currentInstance(path string) *caddy.Instance {
	for _, i := range caddy.Instances() {
		if i.Caddyfile() != nil && i.Caddyfile().Path() == path {
			return i
		}
	}
	return nil
}

func reloadFailures(t *testing.T) float64 {
	t.Helper()
	var m dto.Metric
	if err := reload.FailedCount.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func TestReloadUnderLoad(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "Corefile")
	first := reloadCorefile(port, "192.0.2.1", "")
	if err := os.WriteFile(path, []byte(first), 0o600); err != nil {
		t.Fatal(err)
	}
	startMu.Lock()
	caddy.Quiet, dnsserver.Quiet = true, true
	_, err = caddy.Start(caddy.CaddyfileInput{Contents: []byte(first), Filepath: path, ServerTypeName: "dns"})
	startMu.Unlock()
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer func() {
		if cur := currentInstance(path); cur != nil {
			cur.ShutdownCallbacks()
			cur.Stop()
		}
	}()
	addr := "127.0.0.1:" + strconv.Itoa(port)

	// Query continuously over UDP and TCP, recording the answers.
	var (
		stop              atomic.Bool
		sent, lost, wrong atomic.Int64
		last              [2]atomic.Value
		wg                sync.WaitGroup
	)
	for k, network := range []string{"udp", "tcp"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &dns.Client{Net: network, Timeout: 2 * time.Second}
			for !stop.Load() {
				m := new(dns.Msg)
				m.SetQuestion("www.example.org.", dns.TypeA)
				sent.Add(1)
				r, _, err := c.Exchange(m, addr)
				if err != nil {
					lost.Add(1)
					t.Logf("%s query lost: %s", network, err)
					continue
				}
				if len(r.Answer) != 1 || r.Rcode != dns.RcodeSuccess {
					wrong.Add(1)
					continue
				}
				last[k].Store(r.Answer[0].(*dns.A).A.String())
				time.Sleep(time.Millisecond)
			}
		}()
	}
	answering := func(ip string) bool {
		a, _ := last[0].Load().(string)
		b, _ := last[1].Load().(string)
		return a == ip && b == ip
	}
	waitUntil := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(8 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				stop.Store(true)
				wg.Wait()
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitUntil("first answers", func() bool { return answering("192.0.2.1") })

	// A good change is picked up.
	if err := os.WriteFile(path, []byte(reloadCorefile(port, "192.0.2.2", "")), 0o600); err != nil {
		t.Fatal(err)
	}
	waitUntil("the new Corefile", func() bool { return answering("192.0.2.2") })

	// A broken change is counted and the running configuration stays.
	failed := reloadFailures(t)
	if err := os.WriteFile(path, []byte(reloadCorefile(port, "192.0.2.3", "nosuchplugin")), 0o600); err != nil {
		t.Fatal(err)
	}
	waitUntil("the failed reload", func() bool { return reloadFailures(t) == failed+1 })
	time.Sleep(200 * time.Millisecond)
	if !answering("192.0.2.2") {
		t.Error("the broken Corefile changed the answers")
	}

	// Fixing the file reloads again.
	if err := os.WriteFile(path, []byte(reloadCorefile(port, "192.0.2.4", "")), 0o600); err != nil {
		t.Fatal(err)
	}
	waitUntil("the fixed Corefile", func() bool { return answering("192.0.2.4") })

	stop.Store(true)
	wg.Wait()
	if n := lost.Load(); n != 0 {
		t.Errorf("%d of %d queries lost across reloads", n, sent.Load())
	}
	if n := wrong.Load(); n != 0 {
		t.Errorf("%d of %d queries got a wrong answer across reloads", n, sent.Load())
	}
	if f := reloadFailures(t); f != failed+1 {
		t.Errorf("reload failures went from %v to %v, want one more", failed, f)
	}
	t.Logf("%d queries answered across 3 reloads", sent.Load())
}

// TestRestartLosesNoQuery restarts a server 30 times while eight clients
// query it without pause, half over UDP and half over TCP with a new
// connection per query. The new instance shares the old one's sockets, so no
// query may fail: a TCP connection the old instance accepted just before it
// stopped must still be read and answered (before the drain in Stop, about
// one such connection per restart was reset).
func TestRestartLosesNoQuery(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	corefile := "example.org:" + strconv.Itoa(port) + " {\n    bind 127.0.0.1\n    whoami\n}\n"
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatal(err)
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)

	var (
		stop    atomic.Bool
		sent    atomic.Int64
		failed  [2]atomic.Int64
		lastErr [2]atomic.Value
		wg      sync.WaitGroup
	)
	for k, network := range []string{"udp", "tcp"} {
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := &dns.Client{Net: network, Timeout: 2 * time.Second}
				m := new(dns.Msg)
				m.SetQuestion("example.org.", dns.TypeA)
				for !stop.Load() {
					sent.Add(1)
					r, _, err := c.Exchange(m, addr)
					if err == nil && (r.Rcode != dns.RcodeSuccess || len(r.Extra) != 2) {
						err = errWrongAnswer
					}
					if err != nil {
						failed[k].Add(1)
						lastErr[k].Store(err.Error())
					}
				}
			}()
		}
	}
	for range 30 {
		time.Sleep(30 * time.Millisecond)
		if i, err = i.Restart(NewInput(corefile)); err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	CoreDNSServerStop(i)
	t.Logf("%d queries across 30 restarts", sent.Load())
	for k, network := range []string{"udp", "tcp"} {
		if n := failed[k].Load(); n > 0 {
			t.Errorf("%s: %d queries failed, the last with: %v", network, n, lastErr[k].Load())
		}
	}
}

var errWrongAnswer = errors.New("wrong answer")

// TestStopAnswersAcceptedConnection sends a query on a TCP connection that
// was accepted before Stop began: it is still answered, and Stop returns
// soon after.
func TestStopAnswersAcceptedConnection(t *testing.T) {
	i, _, tcp, err := CoreDNSServerAndPorts("example.org:0 {\n    bind 127.0.0.1\n    whoami\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	co, err := dns.DialTimeout("tcp", tcp, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	time.Sleep(20 * time.Millisecond) // accepted by now

	stopped := make(chan time.Duration)
	go func() {
		start := time.Now()
		CoreDNSServerStop(i)
		stopped <- time.Since(start)
	}()
	time.Sleep(50 * time.Millisecond) // Stop is under way
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	co.SetDeadline(time.Now().Add(2 * time.Second)) //nolint:errcheck // test
	if err := co.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	r, err := co.ReadMsg()
	if err != nil {
		t.Fatalf("query on a connection accepted before Stop: %v", err)
	}
	if r.Id != m.Id || len(r.Extra) != 2 {
		t.Errorf("unexpected answer: %v", r)
	}
	if d := <-stopped; d > time.Second {
		t.Errorf("Stop took %v", d)
	}
}
