package dnsserver

import (
	"flag"
	"fmt"
	"net"
	"sort"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/caddy/caddyfile"
	"github.com/coredns/coredns/plugin/pkg/transport"
)

const serverType = "dns"

func init() {
	flag.StringVar(&Port, serverType+".port", DefaultPort, "Default port")
	flag.StringVar(&Port, "p", DefaultPort, "Default port")

	caddy.RegisterServerType(serverType, caddy.ServerType{
		Directives: func() []string { return Directives },
		DefaultInput: func() caddy.Input {
			return caddy.CaddyfileInput{
				Filepath:       "Corefile",
				Contents:       []byte(".:" + Port + " {\nwhoami\n}\n"),
				ServerTypeName: serverType,
			}
		},
		NewContext: newContext,
	})
}

// DefaultPort is the port DNS servers listen on unless told otherwise.
const DefaultPort = transport.Port

// Port is the default port, set with -dns.port or -p.
var Port = DefaultPort

// GracefulTimeout is how long Stop waits for queries in flight.
var GracefulTimeout time.Duration

// Quiet suppresses the start-up banner.
var Quiet bool

func newContext(i *caddy.Instance) caddy.Context {
	return &dnsContext{keysToConfigs: make(map[string]*Config)}
}

// dnsContext carries the configurations of one Corefile load.
type dnsContext struct {
	keysToConfigs map[string]*Config
	// configs in the order they were made: block by block, key by key.
	configs []*Config
}

func (h *dnsContext) saveConfig(key string, cfg *Config) {
	h.configs = append(h.configs, cfg)
	h.keysToConfigs[key] = cfg
}

// InspectServerBlocks normalizes every key (zone, transport, port; a CIDR
// expands into its reverse zones) and makes one Config per key. Duplicate
// zones are refused in MakeServers, once bind and view are known.
func (h *dnsContext) InspectServerBlocks(sourceFile string, serverBlocks []caddyfile.ServerBlock) ([]caddyfile.ServerBlock, error) {
	for ib, sb := range serverBlocks {
		var keys []string
		var first *Config
		where := blockPosition(sourceFile, sb)
		for _, k := range sb.Keys {
			zas, err := normalizeZone(k)
			if err != nil {
				return nil, fmt.Errorf("%s - %w", where, err)
			}
			for _, za := range zas {
				cfg := &Config{
					Zone:        za.Zone,
					ListenHosts: []string{""},
					Port:        za.Port,
					Transport:   za.Transport,
					where:       where,
				}
				if first == nil {
					first = cfg
				}
				cfg.firstConfigInBlock = first
				h.saveConfig(keyForConfig(ib, len(keys)), cfg)
				keys = append(keys, za.String())
			}
		}
		serverBlocks[ib].Keys = keys
	}
	return serverBlocks, nil
}

// blockPosition names a server block for error messages: the file and the
// line of its first directive (the keys' own lines are not kept by the
// parser), or the file alone when the block is empty.
func blockPosition(file string, sb caddyfile.ServerBlock) string {
	line := 0
	for _, toks := range sb.Tokens {
		for _, t := range toks {
			if line == 0 || t.Line < line {
				line = t.Line
			}
		}
	}
	if line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// propagate copies what setup functions wrote on a block's first config to
// the block's other configs.
func propagate(c *Config) {
	f := c.firstConfigInBlock
	if f == nil || f == c {
		return
	}
	zone, port, trans := c.Zone, c.Port, c.Transport
	*c = *f
	c.Zone, c.Port, c.Transport = zone, port, trans
	c.firstConfigInBlock = f
	c.registry = nil
}

// MakeServers groups the configurations by listen address and makes one
// server for each address, or NumSockets servers sharing it through
// SO_REUSEPORT when the multisocket plugin asks for more.
func (h *dnsContext) MakeServers() ([]caddy.Server, error) {
	for _, c := range h.configs {
		propagate(c)
	}

	groups, order, err := groupConfigsByListenAddr(h.configs)
	if err != nil {
		return nil, err
	}
	sockets := numSocketsByAddr(h.configs)

	var servers []caddy.Server
	for _, addr := range order {
		group := groups[addr]
		for i := range sockets[addr] {
			s, err := makeServer(addr, group)
			if err != nil {
				return nil, err
			}
			if i > 0 {
				s.base().extraSocket = true
			}
			servers = append(servers, s)
		}
	}
	return servers, nil
}

// server is what every transport's server is: a caddy.Server built on a
// *Server.
type server interface {
	caddy.Server
	base() *Server
}

func (s *Server) base() *Server { return s }

// makeServer builds the server of group's transport for addr.
func makeServer(addr string, group []*Config) (server, error) {
	switch group[0].Transport {
	case transport.DNS:
		return NewServer(addr, group)
	case transport.TLS:
		return NewServerTLS(addr, group)
	case transport.HTTPS:
		return NewServerHTTPS(addr, group)
	case transport.QUIC:
		return NewServerQUIC(addr, group)
	case transport.GRPC:
		return NewServergRPC(addr, group)
	case transport.HTTPS3:
		return NewServerHTTPS3(addr, group)
	}
	return nil, fmt.Errorf("transport %s:// is not supported by this build", group[0].Transport)
}

// numSocketsByAddr returns how many sockets to open on each address: the
// NumSockets of the first configuration (in Corefile order) listening there,
// at least one.
func numSocketsByAddr(configs []*Config) map[string]int {
	n := map[string]int{}
	for _, c := range configs {
		for _, host := range c.ListenHosts {
			addr := c.Transport + "://" + net.JoinHostPort(host, c.Port)
			if _, ok := n[addr]; !ok {
				n[addr] = max(1, c.NumSockets)
			}
		}
	}
	return n
}

// groupConfigsByListenAddr returns the configs per "transport://host:port"
// and the addresses in first-seen order. Configs of one zone on one address
// are ordered so that those with filters (views) come before the one without.
func groupConfigsByListenAddr(configs []*Config) (map[string][]*Config, []string, error) {
	groups := map[string][]*Config{}
	var order []string
	for _, c := range configs {
		for _, host := range c.ListenHosts {
			addr := c.Transport + "://" + net.JoinHostPort(host, c.Port)
			if _, ok := groups[addr]; !ok {
				order = append(order, addr)
			}
			groups[addr] = append(groups[addr], c)
		}
	}
	for addr, group := range groups {
		sort.SliceStable(group, func(i, j int) bool {
			return len(group[i].FilterFuncs) > 0 && len(group[j].FilterFuncs) == 0
		})
		unfiltered := map[string]bool{}
		for _, c := range group {
			if len(c.FilterFuncs) > 0 {
				continue
			}
			if unfiltered[c.Zone] {
				err := fmt.Errorf("cannot serve %s://%s:%s - it is already defined", c.Transport, c.Zone, c.Port)
				if c.where != "" {
					err = fmt.Errorf("%s - %w", c.where, err)
				}
				return nil, nil, err
			}
			unfiltered[c.Zone] = true
		}
		groups[addr] = group
	}
	return groups, order, nil
}
