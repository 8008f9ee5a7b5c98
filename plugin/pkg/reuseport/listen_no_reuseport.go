//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

// Package reuseport opens listeners with SO_REUSEPORT set where the
// platform supports it; here it does not, so plain listeners are used.
package reuseport

import "net"

// Listen is net.Listen; this platform has no SO_REUSEPORT.
func Listen(network string, addr string) (net.Listener, error) {
	return net.Listen(network, addr)
}

// ListenPacket is net.ListenPacket; this platform has no SO_REUSEPORT.
func ListenPacket(network string, addr string) (net.PacketConn, error) {
	return net.ListenPacket(network, addr)
}
