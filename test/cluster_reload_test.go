package test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coredns/coredns/coremain"

	"github.com/miekg/dns"
)

// sigusr1ChildEnv, when set to a Corefile path, makes TestClusterReloadSIGUSR1
// run CoreDNS's main on it, as the coredns binary would.
const sigusr1ChildEnv = "COREDNS_TEST_SIGUSR1_COREFILE"

// sigusr1Corefile caches in front of forward to a second block answering
// addr; extra goes in the front block.
//
// Both blocks are in the process being reloaded: while the old instance
// stops, the new front block may still reach the old back block and cache
// its answer. The short cache cap bounds how long such an answer lasts (a
// loaded machine made a 30 s cap outlast the test's 10 s wait).
func sigusr1Corefile(front, back int, addr, extra string) string {
	return fmt.Sprintf(`.:%d {
    bind 127.0.0.1
    cache 3
    forward . 127.0.0.1:%d
    %s
}
.:%d {
    bind 127.0.0.1
    template IN A {
        answer "{{ .Name }} 60 IN A %s"
    }
}
`, front, back, extra, back, addr)
}

func TestClusterReloadSIGUSR1(t *testing.T) {
	if path := os.Getenv(sigusr1ChildEnv); path != "" {
		os.Args = []string{os.Args[0], "-conf", path, "-quiet"}
		coremain.Run() // exits
		return
	}
	front, back := forwardPorts(t)
	path := filepath.Join(t.TempDir(), "Corefile")
	write := func(addr, extra string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(sigusr1Corefile(front, back, addr, extra)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("192.0.2.1", "")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestClusterReloadSIGUSR1$", "-test.count=1")
	cmd.Env = append(os.Environ(), sigusr1ChildEnv+"="+path)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM) //nolint:errcheck // may be gone already
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill() //nolint:errcheck // last resort
			<-exited
		}
		if t.Failed() {
			t.Logf("server output:\n%s", out.String())
		}
	}()
	addr := "127.0.0.1:" + strconv.Itoa(front)

	var (
		stop        atomic.Bool
		sent, lost  atomic.Int64
		wrong       atomic.Int64
		last        [2]atomic.Value
		lastErr     [2]atomic.Value // the last network error, per network
		wg          sync.WaitGroup
		firstAnswer = make(chan struct{})
		once        sync.Once
	)
	// Wait for the child to answer at all before counting.
	deadline := time.Now().Add(20 * time.Second)
	for {
		m := new(dns.Msg)
		m.SetQuestion("svc.example.org.", dns.TypeA)
		if _, err := dns.Exchange(m, addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never answered; output:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for k, network := range []string{"udp", "tcp"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &dns.Client{Net: network, Timeout: 2 * time.Second}
			for !stop.Load() {
				m := new(dns.Msg)
				m.SetQuestion("svc.example.org.", dns.TypeA)
				sent.Add(1)
				r, _, err := c.Exchange(m, addr)
				if err != nil {
					lost.Add(1)
					lastErr[k].Store(err.Error())
					continue
				}
				if r.Rcode != dns.RcodeSuccess || len(r.Answer) != 1 {
					wrong.Add(1)
					continue
				}
				last[k].Store(r.Answer[0].(*dns.A).A.String())
				once.Do(func() { close(firstAnswer) })
				time.Sleep(time.Millisecond)
			}
		}()
	}
	answering := func(ip string) bool {
		a, _ := last[0].Load().(string)
		b, _ := last[1].Load().(string)
		return a == ip && b == ip
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				stop.Store(true)
				wg.Wait()
				a, _ := last[0].Load().(string)
				b, _ := last[1].Load().(string)
				ea, _ := lastErr[0].Load().(string)
				eb, _ := lastErr[1].Load().(string)
				t.Fatalf("timed out waiting for %s: last answers udp %s tcp %s; %d lost, %d wrong of %d; last errors udp %q tcp %q",
					what, a, b, lost.Load(), wrong.Load(), sent.Load(), ea, eb)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	<-firstAnswer
	waitFor("the first answers", func() bool { return answering("192.0.2.1") })

	// A good Corefile: SIGUSR1 reloads it, the fresh cache asks the new
	// upstream block.
	write("192.0.2.2", "")
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	waitFor("the new Corefile", func() bool { return answering("192.0.2.2") })

	// A broken one is logged and the running configuration stays.
	write("192.0.2.3", "nosuchplugin")
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if !answering("192.0.2.2") {
		t.Error("the broken Corefile changed the answers")
	}

	// Fixed again.
	write("192.0.2.4", "")
	if err := cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	waitFor("the fixed Corefile", func() bool { return answering("192.0.2.4") })

	stop.Store(true)
	wg.Wait()
	if n := lost.Load(); n != 0 {
		t.Errorf("%d of %d queries lost across SIGUSR1 reloads", n, sent.Load())
	}
	if n := wrong.Load(); n != 0 {
		t.Errorf("%d of %d queries got a wrong answer across SIGUSR1 reloads", n, sent.Load())
	}
	if !strings.Contains(out.String(), "nosuchplugin") {
		t.Errorf("the broken Corefile was not logged; output:\n%s", out.String())
	}
	t.Logf("%d queries answered across 3 SIGUSR1 reloads", sent.Load())
	for k, network := range []string{"udp", "tcp"} {
		if e, _ := lastErr[k].Load().(string); e != "" {
			t.Errorf("%s: last error: %s", network, e)
		}
	}
}

// lockedBuffer is a bytes.Buffer the child process writes to while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
