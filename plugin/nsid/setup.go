package nsid

import (
	"encoding/hex"
	"os"
	"strings"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/pkg/edns"

	"github.com/miekg/dns"
)

func init() {
	plugin.Register("nsid", setup)
	// A build with this plugin understands NSID: the option is echoed back
	// (empty) even by servers that do not configure nsid.
	edns.SetSupportedOption(dns.EDNS0NSID)
}

func setup(c *caddy.Controller) error {
	data, err := parse(c)
	if err != nil {
		return plugin.Error("nsid", err)
	}
	n := &Nsid{Data: data, hexData: hex.EncodeToString([]byte(data))}
	dnsserver.GetConfig(c).AddPlugin(func(next plugin.Handler) plugin.Handler {
		n.Next = next
		return n
	})
	return nil
}

// parse reads "nsid [DATA...]"; the words of DATA are joined with single
// spaces, and the host name is the default.
func parse(c *caddy.Controller) (string, error) {
	c.Next() // "nsid"
	data := ""
	if args := c.RemainingArgs(); len(args) > 0 {
		data = strings.Join(args, " ")
	} else {
		h, err := os.Hostname()
		if err != nil {
			h = "localhost"
		}
		data = h
	}
	// Any block, even an empty one, is refused, as CoreDNS does.
	if c.NextArg() {
		return "", c.Errf("unexpected block: nsid takes no options")
	}
	if c.Next() {
		return "", c.Err(plugin.ErrOnce.Error())
	}
	return data, nil
}
