// Package test holds end-to-end tests that start servers from Corefiles on
// loopback and query them over the wire.
package test

import (
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/coredns/caddy"
	_ "github.com/coredns/coredns/core" // the dns server type
	"github.com/coredns/coredns/core/dnsserver"
	_ "github.com/coredns/coredns/core/plugin" // every plugin of plugin.cfg
)

var startMu sync.Mutex

// CoreDNSServer starts a server from corefile. Use port 0 in the server block
// keys to get free ports.
func CoreDNSServer(corefile string) (*caddy.Instance, error) {
	startMu.Lock()
	defer startMu.Unlock()
	caddy.Quiet = true
	dnsserver.Quiet = true // no zone banner on stdout
	return caddy.Start(NewInput(corefile))
}

// CoreDNSServerStop shuts down a server started by CoreDNSServer as the
// process would: shutdown callbacks first (they stop plugin goroutines and
// HTTP listeners), then the DNS servers.
func CoreDNSServerStop(i *caddy.Instance) {
	i.ShutdownCallbacks()
	i.Stop() //nolint:errcheck // tests
}

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
	// caddy's LocalAddr is the packet conn's address, Addr the listener's.
	if a, ok := srvs[k].Addr().(*net.TCPAddr); ok && a != nil {
		tcp = a.String()
	}
	if a, ok := srvs[k].LocalAddr().(*net.UDPAddr); ok && a != nil {
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

// FreePort returns a port that was free for both UDP and TCP on 127.0.0.1 a
// moment ago, for Corefiles that need several distinct fixed ports.
func FreePort() (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		l.Close()
		if err == nil {
			pc.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no port free for both UDP and TCP on 127.0.0.1")
}

// CoreDNSServerPortsFor returns the UDP and TCP addresses of the listener
// whose port is port, or empty strings when there is none.
func CoreDNSServerPortsFor(i *caddy.Instance, port int) (udp, tcp string) {
	for k := range i.Servers() {
		u, t := CoreDNSServerPorts(i, k)
		if a, err := net.ResolveTCPAddr("tcp", t); err == nil && a.Port == port {
			return u, t
		}
	}
	return "", ""
}
