package kubernetes

import (
	"github.com/coredns/coredns/plugin/pkg/dnsutil"
)

// zoneNames holds the names derived from the configured zones, computed on
// first use instead of on every query.
type zoneNames struct {
	primary string   // see primaryZone
	ns      []string // ns.dns.<zone> for each of k.Zones
	mbox    []string // hostmaster.<zone> for each of k.Zones
}

// zoneNames returns the derived names, computing them once. The zones are
// fixed once the server runs; a concurrent first use computes them twice
// with the same result.
func (k *Kubernetes) zoneNames() *zoneNames {
	if z := k.names.Load(); z != nil && len(z.ns) == len(k.Zones) {
		return z
	}
	z := &zoneNames{primary: k.primaryZone(), ns: make([]string, len(k.Zones)), mbox: make([]string, len(k.Zones))}
	for i, zone := range k.Zones {
		z.ns[i] = dnsutil.Join("ns.dns", zone)
		z.mbox[i] = dnsutil.Join("hostmaster", zone)
	}
	k.names.Store(z)
	return z
}

// soaNames returns the primary name server and mailbox of the SOA of zone
// (spelled as the client did).
func (k *Kubernetes) soaNames(zone string) (ns, mbox string) {
	z := k.zoneNames()
	for i, configured := range k.Zones {
		if configured == zone {
			return z.ns[i], z.mbox[i]
		}
	}
	return dnsutil.Join("ns.dns", zone), dnsutil.Join("hostmaster", zone)
}
