// Package reload restarts the server with the Corefile from disk when that
// file changes, checking it periodically.
package reload

import (
	"crypto/sha512"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/coredns/caddy"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

const name = "reload"

var log = clog.NewWithPlugin(name)

// storageKey marks, in an instance's storage, the reload watcher of that
// instance.
type storageKey struct{}

// reload watches the Corefile of one instance.
type reload struct {
	interval time.Duration
	jitter   time.Duration

	startOnce sync.Once
	quitOnce  sync.Once
	quit      chan struct{}
}

// hook starts watching the Corefile of the instance r belongs to once caddy
// reports that instance started.
func (r *reload) hook(event caddy.EventName, info any) error {
	if event != caddy.InstanceStartupEvent {
		return nil
	}
	inst, ok := info.(*caddy.Instance)
	if !ok || inst == nil {
		return nil
	}
	inst.StorageMu.RLock()
	mine := inst.Storage[storageKey{}] == r
	inst.StorageMu.RUnlock()
	if !mine {
		return nil
	}
	r.startOnce.Do(func() {
		sum := sha512.Sum512(inst.Caddyfile().Body())
		hexSum := hex.EncodeToString(sum[:])
		log.Infof("Running configuration SHA512 = %s", hexSum)
		reloadInfo.Reset()
		reloadInfo.WithLabelValues("sha512", hexSum).Set(1)
		go r.watch(inst.Caddyfile(), sum, inst.Restart)
	})
	return nil
}

// OnShutdown stops the watcher; it runs when a reload replaced the instance
// and when the process stops.
func (r *reload) OnShutdown() error {
	r.quitOnce.Do(func() { close(r.quit) })
	return nil
}

// period returns the check interval with a random jitter applied, so that
// many servers sharing a Corefile do not all reload at the same moment.
func (r *reload) period() time.Duration {
	if r.jitter <= 0 {
		return r.interval
	}
	return r.interval - r.jitter + rand.N(2*r.jitter+1)
}

// watch checks the file of input, the running Corefile, every period until r
// is shut down. When the file's hash differs from sum it calls restart with
// the new contents; a Corefile that fails to load is logged and counted, and
// the running configuration stays.
func (r *reload) watch(input caddy.Input, sum [sha512.Size]byte, restart func(caddy.Input) (*caddy.Instance, error)) {
	path := input.Path()
	if !isFile(path) {
		log.Warningf("Corefile %q is not a file, not checking it for changes", path)
		return
	}
	tick := time.NewTicker(r.period())
	defer tick.Stop()
	for {
		select {
		case <-r.quit:
			return
		case <-tick.C:
		}
		body, err := os.ReadFile(os.ExpandEnv(path))
		if err != nil {
			log.Errorf("Failed to read Corefile %q: %s", path, err)
			continue
		}
		s := sha512.Sum512(body)
		if s == sum {
			continue
		}
		// Try a changed file once; a broken one is tried again only after
		// it changes again.
		sum = s
		next := caddy.CaddyfileInput{Contents: body, Filepath: path, ServerTypeName: input.ServerType()}
		if _, err := restart(next); err != nil {
			log.Errorf("Corefile changed but reload failed: %s", err)
			FailedCount.Inc()
			continue
		}
		// The new instance watches the file from now on.
		return
	}
}

// isFile reports whether path names a regular file; a Corefile read from
// standard input cannot be checked.
func isFile(path string) bool {
	fi, err := os.Stat(os.ExpandEnv(path))
	return err == nil && fi.Mode().IsRegular()
}
