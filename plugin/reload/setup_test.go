package reload

import (
	"strings"
	"testing"
	"time"

	"github.com/coredns/caddy"
)

func TestParse(t *testing.T) {
	tests := []struct {
		input            string
		interval, jitter time.Duration
		err              string // substring of the expected error; "" for none
	}{
		{"reload", 30 * time.Second, 15 * time.Second, ""},
		{"reload 10s", 10 * time.Second, 5 * time.Second, ""},
		{"reload 10s 2s", 10 * time.Second, 2 * time.Second, ""},
		{"reload 10s 8s", 10 * time.Second, 5 * time.Second, ""},
		{"reload 2s 0s", 2 * time.Second, 0, ""},
		{"reload 2s 0", 2 * time.Second, 0, ""},
		{"reload 1m 1s", time.Minute, time.Second, ""},
		{"reload 5m", 5 * time.Minute, 15 * time.Second, ""},

		{"reload foo", 0, 0, "invalid interval"},
		{"reload 10s foo", 0, 0, "invalid jitter"},
		{"reload 10s 5s foo", 0, 0, "Wrong argument count"},
		{"reload 1s", 0, 0, "greater or equal to 2s"},
		{"reload 0s", 0, 0, "greater or equal to 2s"},
		{"reload -10s", 0, 0, "greater or equal to 2s"},
		{"reload 3s 0.5s", 0, 0, "greater or equal to 1s"},
		{"reload 3s -1s", 0, 0, "greater or equal to 1s"},
		{"reload 3s -+0", 0, 0, "invalid jitter"},
		{"reload {\nnow\n}", 0, 0, "unknown property"},
		{"reload\nreload", 0, 0, "only be used once"},
	}
	for _, tc := range tests {
		c := caddy.NewTestController("dns", tc.input)
		interval, jitter, err := parse(c)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one containing %q", tc.input, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: unexpected error %v", tc.input, err)
			continue
		}
		if interval != tc.interval || jitter != tc.jitter {
			t.Errorf("%q: got %v %v, want %v %v", tc.input, interval, jitter, tc.interval, tc.jitter)
		}
	}
}

func TestSetup(t *testing.T) {
	c := caddy.NewTestController("dns", "reload 5s 2s")
	if err := setup(c); err != nil {
		t.Fatal(err)
	}
	r, ok := c.Get(storageKey{}).(*reload)
	if !ok || r.interval != 5*time.Second || r.jitter != 2*time.Second {
		t.Fatalf("instance storage holds %v", c.Get(storageKey{}))
	}

	// A second server block of the same instance keeps the first watcher.
	c2 := *c
	c2.Dispenser = caddy.NewTestController("dns", "reload 10s").Dispenser
	if err := setup(&c2); err != nil {
		t.Fatal(err)
	}
	if c.Get(storageKey{}) != r {
		t.Error("a second reload directive replaced the instance's watcher")
	}

	c = caddy.NewTestController("dns", "reload 1s")
	err := setup(c)
	if err == nil || !strings.Contains(err.Error(), "plugin/reload") || !strings.Contains(err.Error(), "Testfile:1") {
		t.Errorf("error %v, want one naming the plugin, file and line", err)
	}
}

func TestPeriod(t *testing.T) {
	r := &reload{interval: 10 * time.Second, jitter: 5 * time.Second}
	seen := map[bool]bool{}
	for range 200 {
		p := r.period()
		if p < 5*time.Second || p > 15*time.Second {
			t.Fatalf("period %v outside 10s ± 5s", p)
		}
		seen[p < 10*time.Second] = true
	}
	if len(seen) != 2 {
		t.Error("jitter only went one way")
	}
	r.jitter = 0
	if p := r.period(); p != 10*time.Second {
		t.Errorf("period without jitter is %v", p)
	}
}

func TestHookIgnoresOthers(t *testing.T) {
	r := &reload{interval: 2 * time.Second, quit: make(chan struct{})}
	other := &caddy.Instance{Storage: map[any]any{}}
	for _, tc := range []struct {
		event caddy.EventName
		info  any
	}{
		{caddy.ShutdownEvent, other},
		{caddy.InstanceStartupEvent, "not an instance"},
		{caddy.InstanceStartupEvent, other},
	} {
		if err := r.hook(tc.event, tc.info); err != nil {
			t.Error(err)
		}
	}
	started := true
	r.startOnce.Do(func() { started = false })
	if started {
		t.Error("the hook started watching an instance that is not its own")
	}
	r.OnShutdown()
	r.OnShutdown() // twice is fine
}

func TestIsFile(t *testing.T) {
	dir := t.TempDir()
	if isFile(dir) {
		t.Error("a directory counts as a file")
	}
	if isFile(dir + "/missing") {
		t.Error("a missing file counts as a file")
	}
	t.Setenv("RELOAD_TEST_DIR", dir)
	if err := writeFile(dir+"/Corefile", ". {\n}\n"); err != nil {
		t.Fatal(err)
	}
	if !isFile("$RELOAD_TEST_DIR/Corefile") {
		t.Error("a Corefile named with an environment variable is not found")
	}
}
