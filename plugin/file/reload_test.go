package file

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

const reloadZone = `$ORIGIN reload.test.
@    300 IN SOA ns hostmaster SERIAL 3600 600 86400 60
@    300 IN NS  ns
ns   300 IN A   192.0.2.53
www  300 IN A   ADDR
`

func reloadZoneText(serial, addr string) string {
	return strings.NewReplacer("SERIAL", serial, "ADDR", addr).Replace(reloadZone)
}

// loadReloadZone writes the zone and loads it as setup would.
func loadReloadZone(t *testing.T, byMtime bool) (*Zone, string) {
	t.Helper()
	path := writeZone(t, t.TempDir(), "db.reload", reloadZoneText("1", "192.0.2.1"))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := Parse(f, "reload.test.", path, -1)
	if err != nil {
		t.Fatal(err)
	}
	z.ReloadInterval = 10 * time.Millisecond
	z.ReloadByMtime = byMtime
	if byMtime {
		fi, _ := os.Stat(path)
		z.mtime = fi.ModTime()
	}
	return z, path
}

func wwwAddr(z *Zone) string {
	z.RLock()
	t := z.Tree
	z.RUnlock()
	e, ok := t.Search("www.reload.test.")
	if !ok {
		return ""
	}
	return e.Type(dns.TypeA)[0].(*dns.A).A.String()
}

// eventually waits for cond, failing after a second.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReload(t *testing.T) {
	z, path := loadReloadZone(t, false)

	// Same serial, different data: nothing happens.
	writeZone(t, "", path, reloadZoneText("1", "192.0.2.2"))
	z.reload()
	if got := wwwAddr(z); got != "192.0.2.1" {
		t.Fatalf("zone reloaded without a serial change: %s", got)
	}
	// A broken file keeps the old data.
	writeZone(t, "", path, reloadZoneText("2", "not-an-address"))
	z.reload()
	if got := wwwAddr(z); got != "192.0.2.1" || z.SOASerialIfDefined() != 1 {
		t.Fatalf("broken file replaced the zone: %s", got)
	}
	// A missing file too.
	os.Remove(path)
	z.reload()
	if z.SOASerialIfDefined() != 1 {
		t.Fatal("missing file replaced the zone")
	}

	// The loop picks up a new serial.
	z.Reload(nil) //nolint:errcheck // never fails
	defer z.OnShutdown()
	writeZone(t, "", path, reloadZoneText("2", "192.0.2.2"))
	eventually(t, "the new serial", func() bool { return z.SOASerialIfDefined() == 2 && wwwAddr(z) == "192.0.2.2" })

	z.OnShutdown()
	z.OnShutdown() // a second call is harmless
	time.Sleep(20 * time.Millisecond)
	writeZone(t, "", path, reloadZoneText("3", "192.0.2.3"))
	time.Sleep(50 * time.Millisecond)
	if z.SOASerialIfDefined() != 2 {
		t.Fatal("zone reloaded after shutdown")
	}
}

func TestReloadByMtime(t *testing.T) {
	z, path := loadReloadZone(t, true)

	// Unmodified: nothing to do.
	z.reload()
	if got := wwwAddr(z); got != "192.0.2.1" {
		t.Fatalf("unchanged file reloaded: %s", got)
	}
	// Modified with the same serial: reloaded all the same.
	writeZone(t, "", path, reloadZoneText("1", "192.0.2.2"))
	later := time.Now().Add(time.Second)
	os.Chtimes(path, later, later)
	z.reload()
	if got := wwwAddr(z); got != "192.0.2.2" {
		t.Fatalf("modified file not reloaded: %s", got)
	}
	if !z.mtime.Equal(later) {
		t.Errorf("mtime %v not recorded, want %v", z.mtime, later)
	}
}

func TestReloadOff(t *testing.T) {
	z, path := loadReloadZone(t, false)
	z.ReloadInterval = 0
	z.Reload(nil) //nolint:errcheck // never fails
	writeZone(t, "", path, reloadZoneText("2", "192.0.2.2"))
	time.Sleep(30 * time.Millisecond)
	if z.SOASerialIfDefined() != 1 {
		t.Fatal("zone reloaded with reloading off")
	}
	z.OnShutdown()
}

// A zone whose file was missing at start-up is loaded once it appears.
func TestReloadLateFile(t *testing.T) {
	path := t.TempDir() + "/db.late"
	z := NewZone("reload.test.", path)
	z.ReloadInterval = 10 * time.Millisecond
	z.Reload(nil) //nolint:errcheck // never fails
	defer z.OnShutdown()
	writeZone(t, "", path, reloadZoneText("5", "192.0.2.5"))
	eventually(t, "the late zone", func() bool { return z.SOASerialIfDefined() == 5 })
}
