// Package loop detects simple forwarding loops: at startup the server sends
// itself a query for a random name, and when that query comes back to it
// more than twice the process stops.
package loop

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coredns/coredns/plugin"
	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
)

const name = "loop"

var log = clog.NewWithPlugin(name)

// Timing of the probe: how long to keep trying while the servers start, how
// long one attempt may take and how long to wait between attempts.
var (
	probeFor     = 30 * time.Second
	probeTimeout = 2 * time.Second
	probePause   = time.Second
)

// Loop is the loop plugin for one server block.
type Loop struct {
	Next plugin.Handler

	zone  string
	qname string // the probe name, lower case

	addr     atomic.Pointer[string] // where the probe was sent
	seen     atomic.Int32           // times the probe arrived
	disabled atomic.Bool            // a reply came back: stop looking

	// fatal ends the process; tests replace it.
	fatal func(format string, v ...any)

	quitOnce sync.Once
	quit     chan struct{}
}

// New returns a Loop for zone with a random, unguessable probe name
// "<random>.<random>.zone".
func New(zone string) (*Loop, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	qname := strconv.FormatUint(binary.BigEndian.Uint64(b[:8]), 10) + "." +
		strconv.FormatUint(binary.BigEndian.Uint64(b[8:]), 10) + "." + dns.Fqdn(zone)
	if zone == "." || zone == "" {
		qname = strings.TrimSuffix(qname, ".") // "a.b.." -> "a.b."
	}
	return &Loop{
		zone:  zone,
		qname: strings.ToLower(qname),
		fatal: log.Fatalf,
		quit:  make(chan struct{}),
	}, nil
}

// ServeDNS implements the plugin.Handler interface. It counts the arrivals
// of the probe; the third is proof of a loop.
func (l *Loop) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	if len(r.Question) == 0 || r.Question[0].Qtype != dns.TypeHINFO || l.disabled.Load() {
		return plugin.NextOrFailure(name, l.Next, ctx, w, r)
	}
	if strings.EqualFold(r.Question[0].Name, l.qname) && l.seen.Add(1) > 2 {
		to := ""
		if a := l.addr.Load(); a != nil {
			to = *a
		}
		l.fatal("Loop (%s -> %s) detected for zone %q, see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO %s\"",
			w.RemoteAddr(), to, l.zone, l.qname)
	}
	return plugin.NextOrFailure(name, l.Next, ctx, w, r)
}

// Name implements the plugin.Handler interface.
func (l *Loop) Name() string { return name }

// probe sends the probe query to addr until a reply comes back, probeFor
// has passed or the plugin is stopped. Any reply, whatever its rcode, ends
// the check: there is no loop, and the plugin turns itself off so that a
// query for the probe name cannot later be used to stop the server.
func (l *Loop) probe(addr string) {
	l.addr.Store(&addr)
	m := new(dns.Msg)
	m.SetQuestion(l.qname, dns.TypeHINFO)
	c := &dns.Client{Net: "udp", Timeout: probeTimeout}
	deadline := time.Now().Add(probeFor)
	for time.Now().Before(deadline) {
		if _, _, err := c.Exchange(m, addr); err == nil {
			l.disabled.Store(true)
			return
		}
		select {
		case <-l.quit:
			return
		case <-time.After(probePause):
		}
	}
}

// stop ends probing.
func (l *Loop) stop() error {
	l.quitOnce.Do(func() { close(l.quit) })
	return nil
}
