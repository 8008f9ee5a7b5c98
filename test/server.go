// Package test holds end-to-end tests that start servers from Corefiles on
// loopback and query them over the wire.
package test

import (
	"net"
	"sync"

	"github.com/coredns/caddy"
	_ "github.com/coredns/coredns/core"        // the dns server type
	_ "github.com/coredns/coredns/core/plugin" // every plugin of plugin.cfg
)

var startMu sync.Mutex

// CoreDNSServer starts a server from corefile. Use port 0 in the server block
// keys to get free ports.
func CoreDNSServer(corefile string) (*caddy.Instance, error) {
	startMu.Lock()
	defer startMu.Unlock()
	caddy.Quiet = true
	return caddy.Start(NewInput(corefile))
}

// CoreDNSServerStop stops a server started by CoreDNSServer.
func CoreDNSServerStop(i *caddy.Instance) { i.Stop() } //nolint:errcheck // tests

// CoreDNSServerAndPorts starts a server and returns the UDP and TCP addresses
// of its first listener.
func CoreDNSServerAndPorts(corefile string) (i *caddy.Instance, udp, tcp string, err error) {
	i, err = CoreDNSServer(corefile)
	if err != nil {
		return nil, "", "", err
	}
	udp, tcp = CoreDNSServerPorts(i, 0)
	return i, udp, tcp, nil
}

// CoreDNSServerPorts returns the UDP and TCP addresses of the k-th listener.
func CoreDNSServerPorts(i *caddy.Instance, k int) (udp, tcp string) {
	srvs := i.Servers()
	if len(srvs) <= k {
		return "", ""
	}
	if a, ok := srvs[k].LocalAddr().(*net.TCPAddr); ok && a != nil {
		tcp = a.String()
	}
	if a, ok := srvs[k].Addr().(*net.UDPAddr); ok && a != nil {
		udp = a.String()
	}
	return udp, tcp
}

// Input is a caddy.Input holding a Corefile.
type Input struct {
	corefile []byte
}

// NewInput returns an Input for corefile.
func NewInput(corefile string) *Input { return &Input{corefile: []byte(corefile)} }

// Body returns the Corefile.
func (i *Input) Body() []byte { return i.corefile }

// Path returns the name errors refer to.
func (i *Input) Path() string { return "Corefile" }

// ServerType returns "dns".
func (i *Input) ServerType() string { return "dns" }
