package dnsserver

import (
	"net"

	"github.com/miekg/dns"
)

// UDPPath runs packets through the UDP server's per-query path (header
// check, unpack, handler, pack, write) without a socket, for benchmarks.
type UDPPath struct{ u *udpServer }

// NewUDPPath returns a UDPPath answering with s on conn.
func NewUDPPath(s *Server, conn net.PacketConn) *UDPPath {
	return &UDPPath{u: newUDPServer(conn, s.handler(), nil, s.tsigSecret)}
}

// Serve answers the query pkt as if it came from addr.
func (p *UDPPath) Serve(pkt []byte, addr net.Addr) {
	if len(pkt) < headerLen {
		return // dropped, as the read loop does
	}
	p.u.serveDNS(pkt, &udpWriter{u: p.u, addr: addr})
}

var _ dns.ResponseWriter = (*udpWriter)(nil)
