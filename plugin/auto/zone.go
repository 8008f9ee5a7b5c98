package auto

import (
	"sync"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/transfer"
)

// Zones are the zones loaded from the directory. They change while the
// server runs, so every access takes the lock.
type Zones struct {
	sync.RWMutex

	Z     map[string]*file.Zone // by origin
	names []string              // the keys of Z, for matching query names

	origins []string // the zones of the Corefile; loaded zones lie in them
}

func newZones(origins []string) *Zones {
	return &Zones{Z: make(map[string]*file.Zone), origins: origins}
}

// Names returns the origins of the zones loaded now.
func (z *Zones) Names() []string {
	z.RLock()
	defer z.RUnlock()
	return append([]string(nil), z.names...)
}

// Origins returns the zones of the Corefile.
func (z *Zones) Origins() []string { return z.origins }

// match returns the loaded zone closest to qname, or "" when there is none.
func (z *Zones) match(qname string) (string, *file.Zone) {
	z.RLock()
	defer z.RUnlock()
	zone := plugin.Zones(z.names).Matches(qname)
	if zone == "" {
		return "", nil
	}
	return zone, z.Z[zone]
}

// get returns the zone with origin name, or nil.
func (z *Zones) get(name string) *file.Zone {
	z.RLock()
	defer z.RUnlock()
	return z.Z[name]
}

// Add serves zo as origin name and starts checking its file for a new
// serial; t, when not nil, is told about later changes.
func (z *Zones) Add(zo *file.Zone, name string, t *transfer.Transfer) {
	z.Lock()
	if _, ok := z.Z[name]; !ok {
		z.names = append(z.names, name)
	}
	z.Z[name] = zo
	z.Unlock()
	zo.Reload(t) //nolint:errcheck // never fails
}

// Remove stops serving origin name.
func (z *Zones) Remove(name string) {
	z.Lock()
	zo, ok := z.Z[name]
	if !ok {
		z.Unlock()
		return
	}
	delete(z.Z, name)
	names := z.names[:0:0]
	for _, n := range z.names {
		if n != name {
			names = append(names, n)
		}
	}
	z.names = names
	z.Unlock()
	zo.OnShutdown() //nolint:errcheck // never fails
}

// removeAll stops every zone's reload loop and forgets the zones.
func (z *Zones) removeAll() {
	for _, n := range z.Names() {
		z.Remove(n)
	}
}
