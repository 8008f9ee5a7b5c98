// Package secondary implements the secondary plugin: it serves zones
// transferred (AXFR) from primary servers and keeps them fresh by their SOA
// timers and by NOTIFY messages from the primaries.
package secondary

import (
	"github.com/coredns/coredns/plugin/file"
	clog "github.com/coredns/coredns/plugin/pkg/log"
)

var log = clog.NewWithPlugin("secondary")

// Secondary is the secondary plugin. It answers like the file plugin, from
// the transferred zones, and hands them out again through the transfer
// plugin (it implements transfer.Transferer through File).
type Secondary struct {
	file.File
}

// Name implements plugin.Handler.
func (s Secondary) Name() string { return "secondary" }
