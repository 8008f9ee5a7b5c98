package reload

import (
	"strconv"
	"sync/atomic"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin"
)

// Defaults and limits of the check interval and its jitter.
const (
	defaultInterval = 30 * time.Second
	defaultJitter   = 15 * time.Second
	minInterval     = 2 * time.Second
	minJitter       = time.Second
)

func init() { plugin.Register(name, setup) }

func setup(c *caddy.Controller) error {
	interval, jitter, err := parse(c)
	if err != nil {
		return plugin.Error(name, err)
	}
	// One watcher per instance, whatever the number of server blocks that
	// ask for it; the first block's timing wins.
	if _, ok := c.Get(storageKey{}).(*reload); ok {
		return nil
	}
	r := &reload{interval: interval, jitter: jitter, quit: make(chan struct{})}
	c.Set(storageKey{}, r)
	c.OnShutdown(r.OnShutdown)

	// Caddy announces an instance once all its servers run; only then is
	// there a configuration worth watching. Hooks cannot be removed and a
	// SIGUSR1 reload drops them all, so each instance registers its own
	// under a name of its own.
	caddy.RegisterEventHook(name+"-"+strconv.FormatUint(hookID.Add(1), 10), r.hook)
	return nil
}

// hookID numbers the event hooks registered by setup.
var hookID atomic.Uint64

// parse reads "reload [INTERVAL] [JITTER]". The jitter is at most half the
// interval.
func parse(c *caddy.Controller) (time.Duration, time.Duration, error) {
	interval, jitter := defaultInterval, defaultJitter
	seen := false
	for c.Next() {
		if seen {
			return 0, 0, plugin.ErrOnce
		}
		seen = true

		args := c.RemainingArgs()
		if len(args) > 2 {
			return 0, 0, c.ArgErr()
		}
		if len(args) > 0 {
			d, err := time.ParseDuration(args[0])
			if err != nil {
				return 0, 0, c.Errf("invalid interval %q: %s", args[0], err)
			}
			if d < minInterval {
				return 0, 0, c.Errf("interval value must be greater or equal to %v", minInterval)
			}
			interval = d
		}
		if len(args) > 1 {
			d, err := time.ParseDuration(args[1])
			if err != nil {
				return 0, 0, c.Errf("invalid jitter %q: %s", args[1], err)
			}
			if d < 0 || (d > 0 && d < minJitter) {
				return 0, 0, c.Errf("jitter value must be 0 or greater or equal to %v", minJitter)
			}
			jitter = d
		}
		if c.NextBlock() {
			return 0, 0, c.Errf("unknown property %q", c.Val())
		}
	}
	if jitter > interval/2 {
		jitter = interval / 2
	}
	return interval, jitter, nil
}
