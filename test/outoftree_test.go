package test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestOutOfTreePlugin builds the plugin in testdata/outoftree/hello as its
// own module against this tree (a replace directive, as a plugin author
// working on a local checkout would write), runs its unit tests, then adds it
// to a copy of plugin.cfg, regenerates, builds the server binary, and queries
// the plugin over UDP and TCP. This is the path users take to build custom
// binaries with third-party plugins.
func TestOutOfTreePlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a server binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := goDirective(t, filepath.Join(repo, "go.mod"))

	work := t.TempDir()
	pluginDir := filepath.Join(work, "hello")
	copyTree(t, filepath.Join(repo, "test/testdata/outoftree/hello"), pluginDir)
	writeFile(t, filepath.Join(pluginDir, "go.mod"), fmt.Sprintf(
		"module example.com/hello\n\ngo %s\n\nrequire github.com/coredns/coredns v1.14.7\n\nreplace github.com/coredns/coredns => %s\n",
		goVersion, repo))
	writeFile(t, filepath.Join(pluginDir, "go.sum"), string(sum))

	run := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
		}
		return string(out)
	}
	run(pluginDir, "vet", "./...")
	run(pluginDir, "test", "-count=1", "./...")

	// A copy of the server with the plugin added to plugin.cfg before whoami.
	server := filepath.Join(work, "server")
	for _, f := range gitFiles(t, repo) {
		if strings.HasPrefix(f, "test/") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		copyFile(t, filepath.Join(repo, f), filepath.Join(server, f))
	}
	cfg, err := os.ReadFile(filepath.Join(server, "plugin.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	cfg = bytes.Replace(cfg, []byte("\nwhoami:whoami\n"), []byte("\nhello:example.com/hello\nwhoami:whoami\n"), 1)
	writeFile(t, filepath.Join(server, "plugin.cfg"), string(cfg))
	mod, err := os.ReadFile(filepath.Join(server, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod = append(mod, []byte("\nrequire example.com/hello v0.0.0\n\nreplace example.com/hello => ../hello\n")...)
	writeFile(t, filepath.Join(server, "go.mod"), string(mod))

	run(server, "generate", "coredns.go")
	run(server, "build", "-o", "coredns", ".")
	bin := filepath.Join(server, "coredns")
	if out, err := exec.Command(bin, "-plugins").Output(); err != nil || !strings.Contains(string(out), "dns.hello") {
		t.Errorf("-plugins does not list dns.hello (err %v):\n%s", err, out)
	}

	port := freePort(t)
	addr := net.JoinHostPort("127.0.0.1", port)
	startBinary(t, bin, fmt.Sprintf(".:%s {\n    bind 127.0.0.1\n    hello example.org\n    whoami\n}\n", port), addr)
	for _, network := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: network, Timeout: 2 * time.Second}
		m := new(dns.Msg)
		m.SetQuestion("a.example.org.", dns.TypeTXT)
		r, _, err := c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if len(r.Answer) != 1 || r.Answer[0].(*dns.TXT).Txt[0] != "hello 127.0.0.1" {
			t.Errorf("%s: TXT from the hello plugin: got %v", network, r)
		}
		// Other types fall through to whoami, after hello in plugin.cfg.
		m.SetQuestion("a.example.org.", dns.TypeA)
		r, _, err = c.Exchange(m, addr)
		if err != nil {
			t.Fatalf("%s: %v", network, err)
		}
		if len(r.Extra) == 0 || r.Rcode != dns.RcodeSuccess {
			t.Errorf("%s: A should reach whoami: got %v", network, r)
		}
	}
}

func goDirective(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "go "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no go directive in %s", path)
	return ""
}

func gitFiles(t *testing.T, repo string) []string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(repo, ".git")); err == nil {
		if git, err := exec.LookPath("git"); err == nil {
			cmd := exec.Command(git, "ls-files", "-co", "--exclude-standard")
			cmd.Dir = repo
			if out, err := cmd.Output(); err == nil {
				return strings.Fields(string(out))
			}
		}
	}
	var files []string
	filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error { //nolint:errcheck // best effort listing
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(repo, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && rel != "coredns" {
			files = append(files, rel)
		}
		return nil
	})
	return files
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// startBinary runs bin on corefile and returns once it answers on addr.
func startBinary(t *testing.T, bin, corefile, addr string) {
	t.Helper()
	dir := t.TempDir()
	conf := filepath.Join(dir, "Corefile")
	writeFile(t, conf, corefile)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-conf", conf)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait() //nolint:errcheck // killed on purpose
	})
	c := &dns.Client{Timeout: 200 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion("probe.", dns.TypeA)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, _, err := c.Exchange(m, addr); err == nil {
			return
		}
	}
	t.Fatalf("server did not start on %s; output:\n%s", addr, out.String())
}

// freePort returns a port that is free for both UDP and TCP on 127.0.0.1 at
// the time of the call.
func freePort(t *testing.T) string {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			pc.Close()
			return fmt.Sprint(port)
		}
	}
	t.Fatal("no free port")
	return ""
}
