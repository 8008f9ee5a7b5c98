package test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
)

// loopChildEnv, when set, makes TestLoopDetected run the server that loops
// onto itself; the loop plugin then ends that process.
const loopChildEnv = "COREDNS_TEST_LOOP_PORT"

func TestLoopDetected(t *testing.T) {
	if port := os.Getenv(loopChildEnv); port != "" {
		loopChild(port)
		return
	}
	if !slices.Contains(dnsserver.Directives, "forward") {
		t.Skip("forward is not built in")
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoopDetected$", "-test.count=1")
	cmd.Env = append(os.Environ(), loopChildEnv+"="+strconv.Itoa(port))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()

	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("server with a forwarding loop: %v, want exit status 1; output:\n%s", err, out.String())
	}
	want := `[FATAL] plugin/loop: Loop (127.0.0.1:`
	if !strings.Contains(out.String(), want) ||
		!strings.Contains(out.String(), `-> 127.0.0.1:`+strconv.Itoa(port)+`) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO `) {
		t.Errorf("output lacks the loop message; output:\n%s", out.String())
	}
}

// loopChild starts a server that forwards to itself and waits for the loop
// plugin to end the process. Returning means no loop was found.
func loopChild(port string) {
	corefile := `.:` + port + ` {
		bind 127.0.0.1
		loop
		forward . 127.0.0.1:` + port + `
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		os.Stderr.WriteString("could not start server: " + err.Error() + "\n")
		os.Exit(3)
	}
	time.Sleep(15 * time.Second)
	i.Stop()
	os.Stderr.WriteString("no loop detected\n")
	os.Exit(4)
}

func TestLoopNone(t *testing.T) {
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	// The probe is answered (here by whoami) and the plugin turns itself
	// off; the server keeps running.
	corefile := `example.org:` + strconv.Itoa(port) + ` {
		bind 127.0.0.1
		loop
		whoami
	}`
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	defer i.Stop()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	time.Sleep(300 * time.Millisecond)
	for range 5 {
		m := new(dns.Msg)
		m.SetQuestion("a.example.org.", dns.TypeHINFO)
		r, err := dns.Exchange(m, addr)
		if err != nil || r.Rcode != dns.RcodeSuccess {
			t.Fatalf("query: %v %v", r, err)
		}
	}
	i.ShutdownCallbacks()
}
