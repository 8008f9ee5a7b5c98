// Package msg fills in the address, time and type fields of dnstap messages.
// It is used by the dnstap plugin and by plugins that tap their own traffic,
// such as forward.
package msg

import (
	"errors"
	"net"
	"time"

	tap "github.com/dnstap/golang-dnstap"
)

// errAddr is returned for an address that is neither TCP nor UDP.
var errAddr = errors.New("dnstap: address is neither TCP nor UDP")

// ipPort splits a TCP or UDP address and names its transport.
func ipPort(addr net.Addr) (net.IP, int, tap.SocketProtocol, error) {
	switch a := addr.(type) {
	case *net.UDPAddr:
		return a.IP, a.Port, tap.SocketProtocol_UDP, nil
	case *net.TCPAddr:
		return a.IP, a.Port, tap.SocketProtocol_TCP, nil
	}
	return nil, 0, 0, errAddr
}

// setSocket records the family and transport of ip and proto and returns ip
// in its shortest form: 4 bytes for IPv4.
func setSocket(t *tap.Message, ip net.IP, proto tap.SocketProtocol) net.IP {
	family := tap.SocketFamily_INET6
	if v4 := ip.To4(); v4 != nil {
		ip = v4
		family = tap.SocketFamily_INET
	}
	t.SocketFamily = &family
	t.SocketProtocol = &proto
	return ip
}

// SetQueryAddress sets the query (client side) address and port of t, and
// its socket family and protocol, from addr.
func SetQueryAddress(t *tap.Message, addr net.Addr) error {
	ip, port, proto, err := ipPort(addr)
	if err != nil {
		return err
	}
	t.QueryAddress = setSocket(t, ip, proto)
	p := uint32(port)
	t.QueryPort = &p
	return nil
}

// SetResponseAddress sets the response (server side) address and port of t,
// and its socket family and protocol, from addr.
func SetResponseAddress(t *tap.Message, addr net.Addr) error {
	ip, port, proto, err := ipPort(addr)
	if err != nil {
		return err
	}
	t.ResponseAddress = setSocket(t, ip, proto)
	p := uint32(port)
	t.ResponsePort = &p
	return nil
}

// SetQueryTime sets the time the query was sent or received.
func SetQueryTime(t *tap.Message, ti time.Time) {
	sec, nsec := uint64(ti.Unix()), uint32(ti.Nanosecond())
	t.QueryTimeSec = &sec
	t.QueryTimeNsec = &nsec
}

// SetResponseTime sets the time the response was sent or received.
func SetResponseTime(t *tap.Message, ti time.Time) {
	sec, nsec := uint64(ti.Unix()), uint32(ti.Nanosecond())
	t.ResponseTimeSec = &sec
	t.ResponseTimeNsec = &nsec
}

// SetType sets the message type, e.g. CLIENT_QUERY.
func SetType(t *tap.Message, typ tap.Message_Type) {
	t.Type = &typ
}
