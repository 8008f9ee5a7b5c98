// Package up runs a probe function in the background until it succeeds,
// e.g. health checking an upstream that was found to be down.
package up

import (
	"sync"
	"time"
)

// defaultInterval is used when Do is called before Start set an interval.
const defaultInterval = 500 * time.Millisecond

// Func is a probe; it returns nil once whatever it checks is up.
type Func func() error

// Probe runs at most one probe goroutine at a time. The embedded Mutex
// guards its state.
type Probe struct {
	sync.Mutex

	interval time.Duration
	stopped  bool
	stop     chan struct{} // closed by Stop; nil while stopped
	done     chan struct{} // closed when the running probe exits; nil when idle
}

// New returns a Probe that is enabled but idle.
func New() *Probe {
	return &Probe{}
}

// Do starts calling f in a new goroutine, right away and then every
// interval, until f returns nil or the Probe is stopped. If a probe is
// already running, or the Probe is stopped, Do does nothing.
func (p *Probe) Do(f Func) {
	p.Lock()
	defer p.Unlock()
	if p.stopped || p.done != nil {
		return
	}
	if p.stop == nil {
		p.stop = make(chan struct{})
	}
	done := make(chan struct{})
	p.done = done
	go p.run(f, p.stop, done)
}

// run is the probe loop; it clears p.done when it finishes.
func (p *Probe) run(f Func, stop <-chan struct{}, done chan struct{}) {
	defer func() {
		p.Lock()
		if p.done == done {
			p.done = nil
		}
		p.Unlock()
		close(done)
	}()

	var timer *time.Timer
	for {
		if f() == nil {
			return
		}
		p.Lock()
		interval := p.interval
		p.Unlock()
		if interval <= 0 {
			interval = defaultInterval
		}
		if timer == nil {
			timer = time.NewTimer(interval)
			defer timer.Stop()
		} else {
			timer.Reset(interval)
		}
		select {
		case <-stop:
			return
		case <-timer.C:
		}
	}
}

// Stop stops a running probe, waits for it to exit and disables the Probe
// until the next Start.
func (p *Probe) Stop() {
	p.Lock()
	p.stopped = true
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
	done := p.done
	p.Unlock()

	if done != nil {
		<-done
	}
}

// Start sets the interval between probe attempts and (re-)enables the Probe.
func (p *Probe) Start(interval time.Duration) {
	p.Lock()
	p.interval = interval
	p.stopped = false
	p.Unlock()
}
