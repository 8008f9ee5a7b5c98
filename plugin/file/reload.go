package file

import (
	"errors"
	"os"
	"path/filepath"
	"time"
)

// startReload checks the zone's file every ReloadInterval and swaps in the
// new data when the SOA serial changed (or, with ReloadByMtime, when the
// file was modified). It returns at once when reloading is off and stops
// with OnShutdown.
func (z *Zone) startReload() {
	if z.ReloadInterval <= 0 {
		return
	}
	go func() {
		tick := time.NewTicker(z.ReloadInterval)
		defer tick.Stop()
		for {
			select {
			case <-z.shutdown:
				return
			case <-tick.C:
				z.reload()
			}
		}
	}()
}

// reload reads the zone's file again and swaps in the result when it is
// newer. A file that cannot be read or parsed leaves the old data in place.
func (z *Zone) reload() {
	zFile := z.File()
	serial := z.SOASerialIfDefined()
	var mtime time.Time
	if z.ReloadByMtime {
		fi, err := os.Stat(zFile)
		if err != nil {
			log.Errorf("Failed to open zone %q in %q: %v", z.origin, zFile, err)
			return
		}
		mtime = fi.ModTime()
		z.RLock()
		seen := z.mtime
		z.RUnlock()
		if serial >= 0 && !mtime.After(seen) {
			return
		}
		serial = -1 // modified: load it whatever its serial
	}

	reader, err := os.Open(filepath.Clean(zFile))
	if err != nil {
		log.Errorf("Failed to open zone %q in %q: %v", z.origin, zFile, err)
		return
	}
	zone, err := Parse(reader, z.origin, zFile, serial)
	reader.Close()
	if err != nil {
		var se *serialErr
		if !errors.As(err, &se) {
			log.Errorf("Failed to reload zone %q in %q: %v", z.origin, zFile, err)
		}
		return
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
}

// OnShutdown stops the reload loop of the zone.
func (z *Zone) OnShutdown() error {
	z.shutdownOnce.Do(func() { close(z.shutdown) })
	return nil
}
