// Package clouddns implements a plugin that serves zones held in Google
// Cloud DNS, fetched at start-up and refreshed every minute.
package clouddns

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"
	"github.com/coredns/coredns/plugin/pkg/fall"
	"github.com/coredns/coredns/plugin/pkg/upstream"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
	gdns "google.golang.org/api/dns/v1"
)

// refreshInterval is how often the record sets are fetched again; a
// variable so tests can shorten it.
var refreshInterval = time.Minute

// hostedZone is one Cloud DNS managed zone with the records last fetched.
type hostedZone struct {
	project string
	name    string // the managed zone's name, not its DNS name
	z       *file.Zone
}

// CloudDNS serves the records of Cloud DNS managed zones.
type CloudDNS struct {
	Next plugin.Handler
	Fall fall.F

	client    gcpDNS
	zoneNames []string                 // fully qualified DNS names of the zones
	zones     map[string][]*hostedZone // by DNS name, in Corefile order
	upstream  *upstream.Upstream
	mu        sync.RWMutex // guards the z of every hostedZone
}

// zoneKey is one ZONE:PROJECT_ID:HOSTED_ZONE_NAME of the Corefile.
type zoneKey struct {
	dnsName, project, hostedZone string
}

// newCloudDNS returns a CloudDNS for the zones given in order.
func newCloudDNS(client gcpDNS, keys []zoneKey) *CloudDNS {
	h := &CloudDNS{client: client, zones: map[string][]*hostedZone{}, upstream: upstream.New()}
	for _, k := range keys {
		if _, ok := h.zones[k.dnsName]; !ok {
			h.zoneNames = append(h.zoneNames, k.dnsName)
		}
		h.zones[k.dnsName] = append(h.zones[k.dnsName], &hostedZone{project: k.project, name: k.hostedZone, z: file.NewZone(k.dnsName, "")})
	}
	return h
}

// check makes sure every configured managed zone exists and can be read.
func (h *CloudDNS) check(ctx context.Context) error {
	for _, name := range h.zoneNames {
		for _, hz := range h.zones[name] {
			if err := h.client.zoneExists(ctx, hz.project, hz.name); err != nil {
				return fmt.Errorf("managed zone %s in project %s: %w", hz.name, hz.project, err)
			}
		}
	}
	return nil
}

// updateZones fetches every zone's record sets and swaps in the new data.
// A zone that fails to load keeps its old data.
func (h *CloudDNS) updateZones(ctx context.Context) error {
	var errs []error
	for _, name := range h.zoneNames {
		for _, hz := range h.zones[name] {
			sets, err := h.client.listRRSets(ctx, hz.project, hz.name)
			if err != nil {
				errs = append(errs, fmt.Errorf("managed zone %s in project %s: %w", hz.name, hz.project, err))
				continue
			}
			z := h.newZone(name, sets)
			h.mu.Lock()
			hz.z = z
			h.mu.Unlock()
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("updating zones: %v", errs)
	}
	return nil
}

// newZone builds the zone named name from Cloud DNS record sets. Each rrdata
// is in presentation format; one that does not parse is logged and dropped.
func (h *CloudDNS) newZone(name string, sets []*gdns.ResourceRecordSet) *file.Zone {
	z := file.NewZone(name, "")
	z.Upstream = h.upstream
	for _, s := range sets {
		if s == nil {
			continue
		}
		owner := dns.Fqdn(s.Name)
		if !dns.IsSubDomain(name, dns.CanonicalName(owner)) {
			continue
		}
		prefix := owner + " " + strconv.FormatInt(s.Ttl, 10) + " IN " + s.Type + " "
		for _, data := range s.Rrdatas {
			rr, err := dns.NewRR(prefix + data)
			if err != nil || rr == nil {
				log.Warningf("Zone %s: dropping %s %s %q: %v", name, owner, s.Type, data, err)
				continue
			}
			if err := z.Insert(rr); err != nil {
				log.Warningf("Zone %s: dropping %s: %s", name, rr, err)
			}
		}
	}
	return z
}

// refresh fetches every zone again each refreshInterval until ctx is done.
func (h *CloudDNS) refresh(ctx context.Context) {
	tick := time.NewTicker(refreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := h.updateZones(ctx); err != nil && ctx.Err() == nil {
				log.Errorf("Failed to update zones: %s", err)
			}
		}
	}
}

// ServeDNS implements the plugin.Handler interface.
func (h *CloudDNS) ServeDNS(ctx context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	state := request.Request{W: w, Req: r}
	qname := state.Name()

	zone := plugin.Zones(h.zoneNames).Matches(qname)
	if zone == "" {
		return plugin.NextOrFailure(h.Name(), h.Next, ctx, w, r)
	}

	hzs := h.zones[zone]
	return file.ServeInOrder(ctx, h.Name(), h.Next, h.Fall, false, w, r, len(hzs), func(i int) *file.Zone {
		h.mu.RLock()
		defer h.mu.RUnlock()
		return hzs[i].z
	})
}

// Name implements the plugin.Handler interface.
func (h *CloudDNS) Name() string { return "clouddns" }
