// Package azure implements a plugin that serves zones held in Azure DNS,
// public or private, fetched at start-up and refreshed every minute.
package azure

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// refreshInterval is how often the record sets are fetched again; a
// variable so tests can shorten it.
var refreshInterval = time.Minute

// hostedZone is one Azure zone: a resource group, the zone's Azure name and
// whether it is a public or a private zone, with the records last fetched.
type hostedZone struct {
	resourceGroup string
	name          string // as Azure names it: no trailing dot
	private       bool
	z             *file.Zone
}

// Azure serves the records of Azure DNS zones.
type Azure struct {
	Next plugin.Handler
	Fall fall.F

	public  publicAPI
	private privateAPI

	zoneNames []string                 // fully qualified DNS names of the zones
	zones     map[string][]*hostedZone // by DNS name, in Corefile order
	upstream  *upstream.Upstream
	mu        sync.RWMutex // guards the z of every hostedZone
}

// newAzure returns an Azure for the zones given in order; public or private
// may be nil when no zone of that kind is configured.
func newAzure(public publicAPI, private privateAPI, zones []*hostedZone) *Azure {
	a := &Azure{public: public, private: private, zones: map[string][]*hostedZone{}, upstream: upstream.New()}
	for _, hz := range zones {
		fqdn := dns.CanonicalName(hz.name)
		if _, ok := a.zones[fqdn]; !ok {
			a.zoneNames = append(a.zoneNames, fqdn)
		}
		hz.z = file.NewZone(fqdn, "")
		a.zones[fqdn] = append(a.zones[fqdn], hz)
	}
	return a
}

// check makes sure every configured zone exists and can be read.
func (a *Azure) check(ctx context.Context) error {
	for _, name := range a.zoneNames {
		for _, hz := range a.zones[name] {
			var err error
			if hz.private {
				err = a.private.zoneExists(ctx, hz.resourceGroup, hz.name)
			} else {
				err = a.public.zoneExists(ctx, hz.resourceGroup, hz.name)
			}
			if err != nil {
				return fmt.Errorf("zone %s in resource group %s: %w", hz.name, hz.resourceGroup, err)
			}
		}
	}
	return nil
}

// updateZones fetches every zone's record sets and swaps in the new data.
// A zone that fails to load keeps its old data.
func (a *Azure) updateZones(ctx context.Context) error {
	var errs []error
	for _, name := range a.zoneNames {
		for _, hz := range a.zones[name] {
			z, err := a.fetch(ctx, name, hz)
			if err != nil {
				errs = append(errs, fmt.Errorf("zone %s in resource group %s: %w", hz.name, hz.resourceGroup, err))
				continue
			}
			a.mu.Lock()
			hz.z = z
			a.mu.Unlock()
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("updating zones: %v", errs)
	}
	return nil
}

// fetch reads one zone's record sets into a new file.Zone.
func (a *Azure) fetch(ctx context.Context, fqdn string, hz *hostedZone) (*file.Zone, error) {
	var rrs []dns.RR
	if hz.private {
		sets, err := a.private.recordSets(ctx, hz.resourceGroup, hz.name)
		if err != nil {
			return nil, err
		}
		for _, s := range sets {
			rrs = append(rrs, privateRRs(s, fqdn)...)
		}
	} else {
		sets, err := a.public.recordSets(ctx, hz.resourceGroup, hz.name)
		if err != nil {
			return nil, err
		}
		for _, s := range sets {
			rrs = append(rrs, publicRRs(s, fqdn)...)
		}
	}
	z := file.NewZone(fqdn, "")
	z.Upstream = a.upstream
	for _, rr := range rrs {
		if !dns.IsSubDomain(fqdn, rr.Header().Name) {
			continue
		}
		if err := z.Insert(rr); err != nil {
			log.Warningf("Zone %s: dropping %s: %s", fqdn, rr, err)
		}
	}
	return z, nil
}

// refresh fetches every zone again each refreshInterval until ctx is done.
func (a *Azure) refresh(ctx context.Context) {
	tick := time.NewTicker(refreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := a.updateZones(ctx); err != nil && ctx.Err() == nil {
				log.Errorf("Failed to update zones: %s", err)
			}
		}
	}
}

// ServeDNS implements the plugin.Handler interface.
func (a *Azure) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()

	zone := plugin.Zones(a.zoneNames).Matches(qname)
	if zone == "" {
		return plugin.NextOrFailure(a.Name(), a.Next, ctx, w, r)
	}

	hzs := a.zones[zone]
	return file.ServeInOrder(ctx, a.Name(), a.Next, a.Fall, false, w, r, len(hzs), func(i int) *file.Zone {
		a.mu.RLock()
		defer a.mu.RUnlock()
		return hzs[i].z
	})
}

// Name implements the plugin.Handler interface.
func (a *Azure) Name() string { return "azure" }
