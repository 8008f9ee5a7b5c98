package file

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin/file/tree"
	"github.com/coredns/coredns/plugin/pkg/upstream"

	"github.com/miekg/dns"
)

// Zone is the data of one zone: its apex records and a tree with all other
// names.
type Zone struct {
	origin  string // lowercased, fully qualified
	origLen int    // labels in origin
	file    string

	*tree.Tree
	Apex
	Expired bool

	sync.RWMutex

	StartupOnce  sync.Once
	TransferFrom []string
	xfrIn        sync.Mutex // one transfer in at a time

	ReloadInterval time.Duration
	ReloadByMtime  bool
	Upstream       *upstream.Upstream

	idx    cutIndex  // where the lookup must stop descending; see cutIndex
	soaRRs []dns.RR  // Apex.SOA as a slice, to answer without allocating
	mtime  time.Time // modification time of file when it was last read

	shutdownOnce sync.Once
	shutdown     chan struct{}
}

// Apex holds the records of the zone apex that are kept out of the tree.
type Apex struct {
	SOA    *dns.SOA
	NS     []dns.RR
	SIGSOA []dns.RR
	SIGNS  []dns.RR
}

// cutIndex lists the names at which a lookup stops going down: owners of NS
// records below the apex (delegations) and owners of DNAME records. It
// belongs to one tree; a Zone whose Tree was replaced without going through
// Insert falls back to searching every ancestor of the query name.
type cutIndex struct {
	tree *tree.Tree
	cuts map[string]struct{}
}

// NewZone returns an empty zone for name, read from file.
func NewZone(name string, file string) *Zone {
	origin := strings.ToLower(dns.Fqdn(name))
	t := &tree.Tree{}
	return &Zone{
		origin:   origin,
		origLen:  dns.CountLabel(origin),
		file:     filepath.Clean(file),
		Tree:     t,
		idx:      cutIndex{tree: t},
		shutdown: make(chan struct{}),
	}
}

// Copy returns a zone with the same configuration and apex as z and an
// empty tree.
func (z *Zone) Copy() *Zone {
	z1 := z.CopyWithoutApex()
	z.RLock()
	z1.Apex = z.Apex
	z.RUnlock()
	return z1
}

// CopyWithoutApex returns a zone with the same configuration as z, no apex
// and an empty tree.
func (z *Zone) CopyWithoutApex() *Zone {
	z.RLock()
	defer z.RUnlock()
	z1 := NewZone(z.origin, z.file)
	z1.TransferFrom = z.TransferFrom
	z1.Expired = z.Expired
	z1.ReloadInterval = z.ReloadInterval
	z1.ReloadByMtime = z.ReloadByMtime
	z1.Upstream = z.Upstream
	return z1
}

// Insert adds r to the zone. Owner names and the names that records point
// to are lowercased. NSEC3 records are refused: only NSEC is supported.
func (z *Zone) Insert(r dns.RR) error {
	h := r.Header()
	h.Name = strings.ToLower(h.Name)

	switch x := r.(type) {
	case *dns.NSEC3, *dns.NSEC3PARAM:
		return fmt.Errorf("NSEC3 zone is not supported, dropping RR: %s for zone: %s", h.Name, z.origin)
	case *dns.SOA:
		x.Ns = strings.ToLower(x.Ns)
		x.Mbox = strings.ToLower(x.Mbox)
		if h.Name == z.origin {
			z.Apex.SOA = x
			z.soaRRs = []dns.RR{x}
			return nil
		}
	case *dns.NS:
		x.Ns = strings.ToLower(x.Ns)
		if h.Name == z.origin {
			z.Apex.NS = append(z.Apex.NS, x)
			return nil
		}
		z.addCut(h.Name)
	case *dns.RRSIG:
		if h.Name == z.origin {
			switch x.TypeCovered {
			case dns.TypeSOA:
				z.Apex.SIGSOA = append(z.Apex.SIGSOA, x)
				return nil
			case dns.TypeNS:
				z.Apex.SIGNS = append(z.Apex.SIGNS, x)
				return nil
			}
		}
	case *dns.CNAME:
		x.Target = strings.ToLower(x.Target)
	case *dns.DNAME:
		x.Target = strings.ToLower(x.Target)
		z.addCut(h.Name)
	case *dns.MX:
		x.Mx = strings.ToLower(x.Mx)
	case *dns.SRV:
		x.Target = strings.ToLower(x.Target)
	}
	z.Tree.Insert(r)
	return nil
}

// addCut records name in the cut index, rebuilding the index first when the
// tree was swapped behind its back.
func (z *Zone) addCut(name string) {
	if z.idx.tree != z.Tree {
		z.idx = buildIndex(z.Tree, z.origin)
	}
	if z.idx.cuts == nil {
		z.idx.cuts = make(map[string]struct{})
	}
	z.idx.cuts[name] = struct{}{}
}

// buildIndex finds the cuts of t by walking it.
func buildIndex(t *tree.Tree, origin string) cutIndex {
	idx := cutIndex{tree: t}
	if t == nil {
		return idx
	}
	t.Walk(func(e *tree.Elem, m map[uint16][]dns.RR) error { //nolint:errcheck // fn never fails
		if m[dns.TypeDNAME] != nil || (m[dns.TypeNS] != nil && e.Name() != origin) {
			if idx.cuts == nil {
				idx.cuts = make(map[string]struct{})
			}
			idx.cuts[e.Name()] = struct{}{}
		}
		return nil
	})
	return idx
}

// File returns the path of the zone's file.
func (z *Zone) File() string {
	z.RLock()
	defer z.RUnlock()
	return z.file
}

// SetFile sets the path of the zone's file.
func (z *Zone) SetFile(path string) {
	z.Lock()
	z.file = path
	z.Unlock()
}

var errNoSOA = errors.New("no SOA")

// ApexIfDefined returns the SOA, its signatures, the apex NS records and
// their signatures, or an error when the zone has no SOA yet.
func (z *Zone) ApexIfDefined() ([]dns.RR, error) {
	z.RLock()
	defer z.RUnlock()
	if z.Apex.SOA == nil {
		return nil, errNoSOA
	}
	rrs := make([]dns.RR, 0, 1+len(z.Apex.SIGSOA)+len(z.Apex.NS)+len(z.Apex.SIGNS))
	rrs = append(rrs, z.Apex.SOA)
	rrs = append(rrs, z.Apex.SIGSOA...)
	rrs = append(rrs, z.Apex.NS...)
	rrs = append(rrs, z.Apex.SIGNS...)
	return rrs, nil
}

// SOASerialIfDefined returns the SOA serial, or -1 when there is no SOA.
func (z *Zone) SOASerialIfDefined() int64 {
	z.RLock()
	defer z.RUnlock()
	if z.Apex.SOA != nil {
		return int64(z.Apex.SOA.Serial)
	}
	return -1
}

// soa returns the SOA record, with its signatures when do is set. cached,
// when it holds a.SOA, is returned as is.
func (a *Apex) soa(do bool, cached []dns.RR) []dns.RR {
	if !do || len(a.SIGSOA) == 0 {
		if len(cached) == 1 && cached[0] == dns.RR(a.SOA) {
			return cached
		}
		return []dns.RR{a.SOA}
	}
	rrs := make([]dns.RR, 0, 1+len(a.SIGSOA))
	rrs = append(rrs, a.SOA)
	return append(rrs, a.SIGSOA...)
}

// ns returns the apex NS records, with their signatures when do is set. The
// result may be shared and must not be modified.
func (a *Apex) ns(do bool) []dns.RR {
	if !do || len(a.SIGNS) == 0 {
		return a.NS
	}
	rrs := make([]dns.RR, 0, len(a.NS)+len(a.SIGNS))
	rrs = append(rrs, a.NS...)
	return append(rrs, a.SIGNS...)
}
