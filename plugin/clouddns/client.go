package clouddns

import (
	"context"

	gdns "google.golang.org/api/dns/v1"
)

// gcpDNS is the part of the Cloud DNS API the plugin uses.
type gcpDNS interface {
	zoneExists(ctx context.Context, project, zone string) error
	listRRSets(ctx context.Context, project, zone string) ([]*gdns.ResourceRecordSet, error)
}

// client implements gcpDNS with the Cloud DNS SDK.
type client struct {
	svc *gdns.Service
}

func (c client) zoneExists(ctx context.Context, project, zone string) error {
	_, err := c.svc.ManagedZones.Get(project, zone).Context(ctx).Do()
	return err
}

func (c client) listRRSets(ctx context.Context, project, zone string) ([]*gdns.ResourceRecordSet, error) {
	var sets []*gdns.ResourceRecordSet
	err := c.svc.ResourceRecordSets.List(project, zone).Pages(ctx, func(page *gdns.ResourceRecordSetsListResponse) error {
		sets = append(sets, page.Rrsets...)
		return nil
	})
	return sets, err
}
