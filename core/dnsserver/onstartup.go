package dnsserver

import (
	"fmt"
	"sort"
	"strings"
)

// OnStartupComplete prints the zones this server answers, unless Quiet.
func (s *Server) OnStartupComplete() {
	if Quiet || s.extraSocket {
		return
	}
	if out := startUpZones("", s.Addr, s.zones); out != "" {
		fmt.Print(out)
	}
}

// startUpZones renders one line per zone: "zone:port", followed by
// " on IP" when the server is bound to a specific address.
func startUpZones(protocol, addr string, zones map[string][]*Config) string {
	names := make([]string, 0, len(zones))
	for z := range zones {
		names = append(names, z)
	}
	sort.Strings(names)

	_, ip, port, err := SplitProtocolHostPort(addr)
	var b strings.Builder
	for _, z := range names {
		switch {
		case err != nil:
			b.WriteString(protocol + z + ":" + addr + "\n")
		case ip == "":
			b.WriteString(protocol + z + ":" + port + "\n")
		default:
			b.WriteString(protocol + z + ":" + port + " on " + ip + "\n")
		}
	}
	return b.String()
}
