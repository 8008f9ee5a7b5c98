package dnssec

import (
	"sync"
	"time"

	"github.com/miekg/dns"
)

const (
	// sigInception is how far before now a new signature becomes valid, to
	// cover clock skew.
	sigInception = 3 * time.Hour
	// sigValidity is how long after now a new signature expires.
	sigValidity = 8 * 24 * time.Hour
	// sigRefresh is how long a cached signature is handed out before it is
	// made again, keeping the validity of what we serve close to sigValidity.
	sigRefresh = 24 * time.Hour
)

// incepExpir returns the inception and expiration for signatures made now.
func incepExpir(now time.Time) (uint32, uint32) {
	return uint32(now.Add(-sigInception).Unix()), uint32(now.Add(sigValidity).Unix())
}

// sign returns the signatures over rrset made by the keys for its type,
// owned by zone, with TTL ttl. Signatures are cached by the RRset's content.
func (d *Dnssec) sign(rrset []dns.RR, zone string, ttl, incep, expir uint32, server string) []dns.RR {
	keys := d.zsk
	if rrset[0].Header().Rrtype == dns.TypeDNSKEY {
		keys = d.ksk
	}
	key := hashRRset(rrset, zone)
	sigs, ok := d.cache.Get(key)
	if ok && fresh(sigs, expir) {
		cacheHits.WithLabelValues(server).Inc()
	} else {
		cacheMisses.WithLabelValues(server).Inc()
		sigs = make([]dns.RRSIG, 0, len(keys))
		for _, k := range keys {
			s := dns.RRSIG{
				Hdr:        dns.RR_Header{Ttl: ttl},
				Algorithm:  k.K.Algorithm,
				KeyTag:     k.tag,
				SignerName: zone,
				Inception:  incep,
				Expiration: expir,
				OrigTtl:    keyTTL,
			}
			if err := s.Sign(k.s, rrset); err != nil {
				log.Errorf("Failed to sign %s/%s with key %d: %s", rrset[0].Header().Name, dns.TypeToString[rrset[0].Header().Rrtype], k.tag, err)
				continue
			}
			sigs = append(sigs, s)
		}
		d.cache.Add(key, sigs)
		cacheSize.WithLabelValues(server, typeSignature).Set(float64(d.cache.Len()))
	}

	out := make([]dns.RR, len(sigs))
	owner := rrset[0].Header().Name
	for i := range sigs {
		s := sigs[i] // a copy: the cached value is shared
		s.Hdr.Name = owner
		s.Hdr.Ttl = ttl
		out[i] = &s
	}
	return out
}

// fresh reports whether cached signatures may still be served, given the
// expiration a signature made now would get.
func fresh(sigs []dns.RRSIG, expir uint32) bool {
	if len(sigs) == 0 {
		return false
	}
	// A new signature expires at now+sigValidity; a cached one is good for
	// sigRefresh after it was made.
	limit := int64(expir) - int64(sigRefresh/time.Second)
	return int64(sigs[0].Expiration) > limit
}

// FNV-1a parameters, as in plugin/pkg/cache.
const (
	offset64 = 14695981039346656037
	prime64  = 1099511628211
)

// packScratch is what hashRR packs with. Records are packed through a
// one-record message: dns.PackRR would store the RDLENGTH in the record, and
// records are shared (with the zone of file, say) by concurrent queries.
type packScratch struct {
	buf []byte
	msg dns.Msg
}

var packPool = sync.Pool{New: func() any { return &packScratch{buf: make([]byte, 1024)} }}

// hashRRset returns a cache key for the signatures over rrset by zone. It
// ignores the TTLs, the case of the owner name and the order of the records.
func hashRRset(rrset []dns.RR, zone string) uint64 {
	h := uint64(offset64)
	for i := 0; i < len(zone); i++ {
		h ^= uint64(lower(zone[i]))
		h *= prime64
	}
	ps := packPool.Get().(*packScratch)
	var sum uint64
	for _, rr := range rrset {
		sum += hashRR(rr, ps)
	}
	ps.msg.Answer = ps.msg.Answer[:0]
	packPool.Put(ps)
	h ^= sum
	h *= prime64
	return h
}

// hashRR hashes the uncompressed wire form of rr with its TTL zeroed and its
// owner name lowercased. ps is scratch space; rr is only read.
func hashRR(rr dns.RR, ps *packScratch) uint64 {
	ps.msg.Answer = append(ps.msg.Answer[:0], rr)
	out, err := ps.msg.PackBuffer(ps.buf)
	if err != nil {
		return 0
	}
	if cap(out) > cap(ps.buf) {
		ps.buf = out[:cap(out)]
	}
	b := out[12:] // past the message header
	i := 0
	for i < len(b) && b[i] != 0 {
		l := int(b[i])
		for j := i + 1; j <= i+l && j < len(b); j++ {
			b[j] = lower(b[j])
		}
		i += l + 1
	}
	// Skip the root label, type and class; zero the TTL.
	if t := i + 5; t+4 <= len(b) {
		b[t], b[t+1], b[t+2], b[t+3] = 0, 0, 0, 0
	}
	h := uint64(offset64)
	for _, c := range b {
		h ^= uint64(c)
		h *= prime64
	}
	return h
}
