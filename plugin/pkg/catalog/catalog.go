// Package catalog reads DNS catalog zones (RFC 9432): zones whose records
// list the member zones a set of name servers should serve.
package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/miekg/dns"
)

// Version is the catalog zone schema version this package understands.
const Version = "2"

// Catalog is the content of one catalog zone.
type Catalog struct {
	// Origin is the name of the catalog zone, fully qualified.
	Origin string
	// Members are the member zones, ordered by their ID.
	Members []Member
}

// Member is one member zone of a catalog.
type Member struct {
	// ID is the unique label of the member ("<ID>.zones.<catalog>").
	ID string
	// Zone is the member zone's name, fully qualified.
	Zone string
	// Groups are the values of the member's "group" property.
	Groups []string
	// ChangeOfOwnership is the catalog named by the "coo" property, the one
	// the member is moving to, or "".
	ChangeOfOwnership string
}

// Parse reads the records rrs of the catalog zone origin. It fails when the
// version property is missing or is not Version, or when a member or its
// coo property does not have exactly one PTR record. Records of other
// names and properties it does not know are ignored.
func Parse(origin string, rrs []dns.RR) (*Catalog, error) {
	origin = dns.CanonicalName(origin)
	zones := "zones." + origin
	var (
		versions []string
		members  = map[string]*Member{}
		ptrs     = map[string]int{} // PTR records per member ID
		coos     = map[string]int{} // coo PTR records per member ID
	)
	member := func(id string) *Member {
		m, ok := members[id]
		if !ok {
			m = &Member{ID: id}
			members[id] = m
		}
		return m
	}

	for _, rr := range rrs {
		name := dns.CanonicalName(rr.Header().Name)
		if rr.Header().Class != dns.ClassINET {
			continue
		}
		if name == "version."+origin {
			if t, ok := rr.(*dns.TXT); ok {
				versions = append(versions, strings.Join(t.Txt, ""))
			}
			continue
		}
		if !strings.HasSuffix(name, "."+zones) {
			continue
		}
		labels := dns.SplitDomainName(strings.TrimSuffix(name, "."+zones))
		switch {
		case len(labels) == 1: // <id>.zones.<origin>
			p, ok := rr.(*dns.PTR)
			if !ok {
				continue
			}
			id := labels[0]
			ptrs[id]++
			member(id).Zone = dns.CanonicalName(p.Ptr)
		case len(labels) == 2 && labels[0] == "group":
			if t, ok := rr.(*dns.TXT); ok {
				m := member(labels[1])
				m.Groups = append(m.Groups, t.Txt...)
			}
		case len(labels) == 2 && labels[0] == "coo":
			if p, ok := rr.(*dns.PTR); ok {
				coos[labels[1]]++
				member(labels[1]).ChangeOfOwnership = dns.CanonicalName(p.Ptr)
			}
		}
	}

	if len(versions) != 1 {
		return nil, fmt.Errorf("catalog %s: want one version TXT record, have %d", origin, len(versions))
	}
	if versions[0] != Version {
		return nil, fmt.Errorf("catalog %s: version %q is not supported, only %q", origin, versions[0], Version)
	}

	c := &Catalog{Origin: origin}
	for id, m := range members {
		switch n := ptrs[id]; {
		case n == 0:
			continue // properties of a member that is not there
		case n > 1:
			return nil, fmt.Errorf("catalog %s: member %s has %d PTR records, want one", origin, id, n)
		}
		if coos[id] > 1 {
			return nil, fmt.Errorf("catalog %s: member %s has %d coo PTR records, want one", origin, id, coos[id])
		}
		c.Members = append(c.Members, *m)
	}
	sort.Slice(c.Members, func(i, j int) bool { return c.Members[i].ID < c.Members[j].ID })
	return c, nil
}
