// Package fall implements the fallthrough option plugins share: whether a
// query the plugin cannot answer is handed to the next plugin.
package fall

import (
	"github.com/coredns/coredns/plugin"
)

// F holds the zones for which to fall through. No zones means never.
type F struct {
	Zones []string
}

// Through reports whether qname lies in one of the fallthrough zones.
func (f F) Through(qname string) bool {
	return plugin.Zones(f.Zones).Matches(qname) != ""
}

// SetZonesFromArgs sets the fallthrough zones from a `fallthrough` line's
// arguments; with none it falls through for everything.
func (f *F) SetZonesFromArgs(zones []string) {
	if len(zones) == 0 {
		f.Zones = Root.Zones
		return
	}
	f.Zones = plugin.OriginsFromArgsOrServerBlock(zones, nil)
}

// Equal reports whether f and g fall through for the same zones.
func (f *F) Equal(g F) bool {
	if len(f.Zones) != len(g.Zones) {
		return false
	}
	for i := range f.Zones {
		if f.Zones[i] != g.Zones[i] {
			return false
		}
	}
	return true
}

var (
	// Zero never falls through.
	Zero = func() F { return F{} }()
	// Root falls through for every name.
	Root = F{Zones: []string{"."}}
)
