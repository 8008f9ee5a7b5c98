package file

import (
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/coredns/coredns/plugin/transfer"
)

// Reload checks the zone's file every ReloadInterval and swaps in the new
// data when the SOA serial changed (or, with ReloadByMtime, when the file
// was modified); t, when not nil, then sends NOTIFYs for the zone. It
// returns at once, does nothing when reloading is off, and its loop stops
// with OnShutdown.
func (z *Zone) Reload(t *transfer.Transfer) error {
	if z.ReloadInterval <= 0 {
		return nil
	}
	go func() {
		tick := time.NewTicker(z.ReloadInterval)
		defer tick.Stop()
		for {
			select {
			case <-z.shutdown:
				return
			case <-tick.C:
				if z.reload() {
					t.Notify(z.origin) //nolint:errcheck // failures are logged
				}
			}
		}
	}()
	return nil
}

// reload reads the zone's file again and swaps in the result when it is
// newer, reporting whether it did. A file that cannot be read or parsed
// leaves the old data in place.
func (z *Zone) reload() bool {
	zFile := z.File()
	serial := z.SOASerialIfDefined()
	var mtime time.Time
	if z.ReloadByMtime {
		fi, err := os.Stat(zFile)
		if err != nil {
			log.Errorf("Failed to open zone %q in %q: %v", z.origin, zFile, err)
			return false
		}
		mtime = fi.ModTime()
		z.RLock()
		seen := z.mtime
		z.RUnlock()
		if serial >= 0 && !mtime.After(seen) {
			return false
		}
		serial = -1 // modified: load it whatever its serial
	}

	reader, err := os.Open(filepath.Clean(zFile))
	if err != nil {
		log.Errorf("Failed to open zone %q in %q: %v", z.origin, zFile, err)
		return false
	}
	zone, err := Parse(reader, z.origin, zFile, serial)
	reader.Close()
	if err != nil {
		var se *serialErr
		if !errors.As(err, &se) {
			log.Errorf("Failed to reload zone %q in %q: %v", z.origin, zFile, err)
		}
		return false
	}

	z.Lock()
	z.Apex = zone.Apex
	z.Tree = zone.Tree
	z.idx = zone.idx
	z.soaRRs = zone.soaRRs
	if !mtime.IsZero() {
		z.mtime = mtime
	}
	z.Unlock()
	log.Infof("Successfully reloaded zone %q in %q with %d SOA serial", z.origin, zFile, zone.Apex.SOA.Serial)
	return true
}

// OnShutdown stops the reload loop of the zone.
func (z *Zone) OnShutdown() error {
	z.shutdownOnce.Do(func() { close(z.shutdown) })
	return nil
}
