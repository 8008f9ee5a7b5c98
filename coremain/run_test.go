package coremain

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coredns/caddy"
	// The plugins these tests use. core/plugin would be the whole binary's
	// set, but some plugins import coremain.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/whoami"

	"github.com/miekg/dns"
)

// runEnv makes the test binary act as the coredns binary: TestMain calls Run
// with the arguments in this variable (separated by newlines).
const runEnv = "COREMAIN_TEST_RUN_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(runEnv); ok {
		os.Args = append([]string{"coredns"}, strings.Split(args, "\n")...)
		Run()
		os.Exit(0) // not reached: Run exits
	}
	os.Exit(m.Run())
}

// coredns runs Run in a child process with args and returns its output and
// exit status. It gives up after timeout.
func coredns(t *testing.T, timeout time.Duration, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runEnv+"="+strings.Join(args, "\n"))
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("coredns %v did not exit within %v; stdout %q stderr %q", args, timeout, out.String(), errb.String())
	}
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestVersionString(t *testing.T) {
	got := versionString()
	want := "CoreDNS-1.14.7\n" + runtime.GOOS + "/" + runtime.GOARCH + ", " + runtime.Version() + ", " + GitCommit + "\n"
	if got != want {
		t.Errorf("versionString() = %q, want %q", got, want)
	}
}

func TestRunVersion(t *testing.T) {
	out, _, code := coredns(t, 10*time.Second, t.TempDir(), "-version")
	if code != 0 || !strings.HasPrefix(out, "CoreDNS-1.14.7\n"+runtime.GOOS+"/"+runtime.GOARCH+", ") {
		t.Errorf("-version: exit %d, output %q", code, out)
	}
}

func TestListPlugins(t *testing.T) {
	got := listPlugins()
	for _, want := range []string{"Server types:\n  dns\n", "\nCaddyfile loaders:\n", "  flag\n", "  default\n", "\nOther plugins:\n", "  dns.whoami\n", "  dns.bind\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("listPlugins() lacks %q:\n%s", want, got)
		}
	}
	out, _, code := coredns(t, 10*time.Second, t.TempDir(), "-plugins")
	if code != 0 || out != got {
		t.Errorf("-plugins: exit %d, output %q, want %q", code, out, got)
	}
}

func TestRunExtraArguments(t *testing.T) {
	_, errOut, code := coredns(t, 10*time.Second, t.TempDir(), "-quiet", "stray")
	if code != 1 || !strings.Contains(errOut, "[FATAL] extra command line arguments: [stray]") {
		t.Errorf("extra argument: exit %d, stderr %q", code, errOut)
	}
}

func TestConfLoader(t *testing.T) {
	old := conf
	defer func() { conf = old }()

	conf = ""
	if in, err := confLoader("dns"); in != nil || err != nil {
		t.Errorf("no -conf: %v, %v; want nil, nil", in, err)
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "Corefile.test")
	body := ".:1053 {\n    whoami\n}\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COREMAIN_TEST_DIR", dir)
	conf = "$COREMAIN_TEST_DIR/Corefile.test"
	in, err := confLoader("dns")
	if err != nil {
		t.Fatal(err)
	}
	if string(in.Body()) != body || in.Path() != conf || in.ServerType() != "dns" {
		t.Errorf("confLoader: body %q path %q type %q", in.Body(), in.Path(), in.ServerType())
	}

	conf = filepath.Join(dir, "missing")
	if _, err := confLoader("dns"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestDefaultLoader(t *testing.T) {
	t.Chdir(t.TempDir())
	if in, err := defaultLoader("dns"); in != nil || err != nil {
		t.Errorf("no Corefile: %v, %v; want nil, nil", in, err)
	}
	if err := os.WriteFile("Corefile", []byte(".:1053 {\n    whoami\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := defaultLoader("dns")
	if err != nil || in == nil || in.Path() != caddy.DefaultConfigFile || !strings.Contains(string(in.Body()), "whoami") {
		t.Errorf("with Corefile: %v, %v", in, err)
	}
}

func TestRunBadCorefile(t *testing.T) {
	tests := []struct {
		name     string
		corefile string
		want     string
	}{
		{"unknown directive", "example.org:1053 {\n    bind 127.0.0.1\n    nosuchplugin\n}\n", "Corefile.bad:3 - Error during parsing: Unknown directive 'nosuchplugin'"},
		{"plugin argument", "example.org:1053 {\n    bind 127.0.0.1\n    whoami extra\n}\n", "Corefile.bad:3"},
		{"bad port", "example.org:99999 {\n    whoami\n}\n", `invalid port "99999"`},
		{"bad cidr", "10.0.0.0/33:1053 {\n    whoami\n}\n", `invalid CIDR "10.0.0.0/33"`},
		{"duplicate zone", "example.org:1053 {\n    whoami\n}\nexample.org:1053 {\n    whoami\n}\n", "cannot serve dns://example.org.:1053 - it is already defined"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Corefile.bad"), []byte(tc.corefile), 0o600); err != nil {
				t.Fatal(err)
			}
			_, errOut, code := coredns(t, 10*time.Second, dir, "-conf", "Corefile.bad", "-quiet")
			if code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			if !strings.Contains(errOut, "[FATAL]") || !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr %q, want a [FATAL] line containing %q", errOut, tc.want)
			}
		})
	}
}

// freePort returns a port that was free on 127.0.0.1 for both UDP and TCP.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err == nil {
			pc.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// waitForAnswer queries name on 127.0.0.1:port until the server started by a
// test answers, for up to 5 s; out is the server's output for the failure
// message.
func waitForAnswer(t *testing.T, name, port string, out *bytes.Buffer) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeA)
	c := &dns.Client{Timeout: 300 * time.Millisecond}
	var err error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var resp *dns.Msg
		if resp, _, err = c.Exchange(m, "127.0.0.1:"+port); err == nil {
			return resp
		}
	}
	t.Fatalf("no answer on port %s: %v; output %q", port, err, out.String())
	return nil
}

// stopWith sends sig to the server process and returns what Wait returns;
// the test fails if the process has not exited within 10 s.
func stopWith(t *testing.T, cmd *exec.Cmd, sig os.Signal) error {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not stop on %v", sig)
		return nil
	}
}

func TestRunServesAndStopsOnSignal(t *testing.T) {
	dir := t.TempDir()
	port := strconv.Itoa(freePort(t))
	// The key has no port: -dns.port gives it.
	corefile := "example.org {\n    bind 127.0.0.1\n    whoami\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "Corefile"), []byte(corefile), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), runEnv+"=-conf\nCorefile\n-dns.port\n"+port)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck // already gone on success

	resp := waitForAnswer(t, "probe.example.org.", port, &out)
	if resp.Rcode != dns.RcodeSuccess || len(resp.Extra) != 2 {
		t.Errorf("answer %v", resp)
	}

	if err := stopWith(t, cmd, syscall.SIGTERM); err != nil {
		t.Errorf("exit: %v; want status 0", err)
	}
	banner := out.String()
	if !strings.Contains(banner, "example.org.:"+port+" on 127.0.0.1\n") || !strings.Contains(banner, "CoreDNS-1.14.7\n") {
		t.Errorf("start-up output %q lacks the zone line or the version", banner)
	}
}

// TestRunSignalsAndPidfile starts the server the other ways a user can (the
// Corefile on standard input, -p for the port, a pid file) and stops it with
// the other signals: SIGINT shuts down gracefully, SIGQUIT at once; both exit
// 0 and remove the pid file.
func TestRunSignalsAndPidfile(t *testing.T) {
	tests := []struct {
		sig     syscall.Signal
		portArg string
		stdin   bool
		logLine string
	}{
		{syscall.SIGINT, "-p", true, "[INFO] SIGINT: Shutting down"},
		{syscall.SIGQUIT, "-dns.port", false, "[INFO] SIGQUIT: Quitting process immediately"},
	}
	for _, tc := range tests {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			port := strconv.Itoa(freePort(t))
			pidfile := filepath.Join(dir, "coredns.pid")
			corefile := ". {\n    bind 127.0.0.1\n    whoami\n}\n"
			args := []string{tc.portArg, port, "-pidfile", pidfile, "-conf"}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Dir = dir
			if tc.stdin {
				args = append(args, "stdin")
				cmd.Stdin = strings.NewReader(corefile)
			} else {
				if err := os.WriteFile(filepath.Join(dir, "Corefile.test"), []byte(corefile), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "Corefile.test")
			}
			cmd.Env = append(os.Environ(), runEnv+"="+strings.Join(args, "\n"))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill() //nolint:errcheck // already gone on success

			waitForAnswer(t, "probe.example.", port, &out)
			pid, err := os.ReadFile(pidfile)
			if err != nil || strings.TrimSpace(string(pid)) != strconv.Itoa(cmd.Process.Pid) {
				t.Errorf("pid file holds %q (%v), want %d", pid, err, cmd.Process.Pid)
			}

			if err := stopWith(t, cmd, tc.sig); err != nil {
				t.Errorf("exit: %v; want status 0", err)
			}
			if _, err := os.Stat(pidfile); !os.IsNotExist(err) {
				t.Errorf("pid file still there after exit (%v)", err)
			}
			if !strings.Contains(out.String(), tc.logLine) {
				t.Errorf("output %q lacks %q", out.String(), tc.logLine)
			}
		})
	}
}
