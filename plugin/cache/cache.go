// Package cache implements the cache plugin: a front-end cache of whole DNS
// responses, with a positive cache for answers and referrals and a negative
// cache for denials (NXDOMAIN, NODATA) and server failures.
package cache

import (
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/cache"
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("cache")

// Defaults of the Corefile options.
const (
	defaultCap        = 9984 // 256 shards of 39 items
	maxNTTL           = 30 * time.Minute
	defaultFailTTL    = 5 * time.Second
	maxFailTTL        = 5 * time.Minute // RFC 2308, section 7.1
	defaultPrefetchIn = time.Minute
	defaultPercentage = 10
	defaultStaleUpTo  = time.Hour
)

// Cache is the cache plugin of one server block.
type Cache struct {
	Next  plugin.Handler
	Zones []string

	allZones   bool   // Zones holds the root zone: no need to match names
	zonesLabel string // the zones metric label, the zones joined by ","

	pcache  *cache.Cache[*item] // answers and referrals
	pcap    int
	pttl    time.Duration // maximum TTL of a positive entry
	minpttl time.Duration

	ncache  *cache.Cache[*item] // denials and server failures
	ncap    int
	nttl    time.Duration // maximum TTL of a negative entry
	minnttl time.Duration

	failttl time.Duration // how long a SERVFAIL is kept; 0 keeps none

	pexcept []string // zones whose answers are never stored
	nexcept []string // zones whose denials are never stored

	// prefetch: refresh an entry in the background when it was asked for
	// prefetch times, each hit within duration of the previous one, and has
	// less than percentage of its TTL left.
	prefetch   int
	duration   time.Duration
	percentage int

	// serve_stale: answer from entries expired less than staleUpTo ago.
	// verifyStale asks the next plugin first and falls back to the stale
	// entry only when that fails.
	staleUpTo   time.Duration
	verifyStale bool

	keepttl bool // reply with the stored TTL instead of the remaining one

	now     func() time.Time // the clock; replaced in tests
	metrics serverMetricsMap
}

// New returns a Cache with every option at its default and empty stores.
func New() *Cache {
	c := &Cache{
		Zones:      []string{"."},
		allZones:   true,
		zonesLabel: ".",
		pcap:       defaultCap,
		pttl:       dnsutil.MaximumDefaultTTL,
		minpttl:    dnsutil.MinimalDefaultTTL,
		ncap:       defaultCap,
		nttl:       maxNTTL,
		minnttl:    dnsutil.MinimalDefaultTTL,
		failttl:    defaultFailTTL,
		duration:   defaultPrefetchIn,
		percentage: defaultPercentage,
		now:        time.Now,
	}
	c.pcache = cache.New[*item](c.pcap)
	c.ncache = cache.New[*item](c.ncap)
	return c
}

// Name implements plugin.Handler.
func (c *Cache) Name() string { return "cache" }

// FNV-1a, 64 bit, as plugin/pkg/cache.Hash uses.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// Flag bits of a key: the answer to a query depends on both.
const (
	flagDO = 1 << iota
	flagCD
)

// key returns the cache key of a query: its name (hashed as if lowercased, so
// that case does not matter and nothing is allocated), type, class and DO
// and CD bits.
func key(qname string, qtype, qclass uint16, flags uint8) uint64 {
	h := uint64(offset64)
	h = (h ^ uint64(flags)) * prime64
	h = (h ^ uint64(qtype>>8)) * prime64
	h = (h ^ uint64(qtype&0xff)) * prime64
	h = (h ^ uint64(qclass>>8)) * prime64
	h = (h ^ uint64(qclass&0xff)) * prime64
	for i := 0; i < len(qname); i++ {
		c := qname[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * prime64
	}
	return h
}

// queryFlags returns the key flags of a query with the given DO and CD bits.
func queryFlags(do, cd bool) uint8 {
	var f uint8
	if do {
		f |= flagDO
	}
	if cd {
		f |= flagCD
	}
	return f
}

// computeTTL bounds ttl by minTTL and maxTTL.
func computeTTL(ttl, minTTL, maxTTL time.Duration) time.Duration {
	if ttl < minTTL {
		ttl = minTTL
	}
	if ttl > maxTTL {
		ttl = maxTTL
	}
	return ttl
}
