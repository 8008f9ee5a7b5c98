package hosts

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestReadHosts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts")
	write := func(data string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Now().Add(-time.Hour)
	write("10.0.0.1 a.example.org\n", base)

	h := newHostsfile(path, []string{"."}, newOptions())
	h.setInline([]string{"10.0.0.9 inline.example.org"})
	h.readHosts()
	if got := h.lookupV4("a.example.org."); len(got) != 1 || got[0].String() != "10.0.0.1" {
		t.Fatalf("after first read: %v", got)
	}
	if got := gaugeValue(t, hostsEntries.WithLabelValues(path)); got != 2 {
		t.Errorf("coredns_hosts_entries = %v, want 2", got)
	}
	if ts := gaugeValue(t, hostsReloadTime); ts < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("coredns_hosts_reload_timestamp_seconds = %v, not recent", ts)
	}

	// Same size and mtime: not read again.
	write("10.0.0.2 a.example.org\n", base)
	h.readHosts()
	if got := h.lookupV4("a.example.org."); got[0].String() != "10.0.0.1" {
		t.Fatalf("unchanged file was reread: %v", got)
	}

	// A new mtime: the entries are replaced, not added to.
	write("10.0.0.2 a.example.org\n10.0.0.3 b.example.org\n", base.Add(time.Second))
	h.readHosts()
	if got := h.lookupV4("a.example.org."); len(got) != 1 || got[0].String() != "10.0.0.2" {
		t.Fatalf("after change: %v", got)
	}
	if !h.exists("b.example.org.") || len(h.lookupPTR("2.0.0.10.in-addr.arpa.")) != 1 || len(h.lookupPTR("1.0.0.10.in-addr.arpa.")) != 0 {
		t.Fatalf("PTR data not replaced")
	}
	if got := gaugeValue(t, hostsEntries.WithLabelValues(path)); got != 3 {
		t.Errorf("coredns_hosts_entries = %v, want 3", got)
	}

	// A deleted file keeps what was served; inline entries stay.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	h.readHosts()
	if !h.exists("a.example.org.") || !h.exists("inline.example.org.") {
		t.Fatalf("entries lost after the file was removed")
	}
}

func TestReloadLoop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(path, []byte("10.0.0.1 a.example.org\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := newOptions()
	opts.reload = 10 * time.Millisecond
	h := newHostsfile(path, []string{"."}, opts)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { h.reloadLoop(stop); close(done) }()

	deadline := time.Now().Add(5 * time.Second)
	for !h.exists("a.example.org.") {
		if time.Now().After(deadline) {
			t.Fatal("reload loop did not read the file")
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(stop)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("reload loop did not stop")
	}
}

// gaugeValue reads the value of a gauge.
func gaugeValue(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}
