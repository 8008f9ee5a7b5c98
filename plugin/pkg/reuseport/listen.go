//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

// Package reuseport opens listeners with SO_REUSEPORT set, so several
// sockets (e.g. one per server instance during a reload) can bind the same
// address and port.
package reuseport

import (
	"context"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// control sets SO_REUSEPORT on the socket before it is bound. Failing to
// set it is not fatal: the socket is then bound as a plain one.
func control(network, address string, c syscall.RawConn) error {
	return c.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
}

var lc = net.ListenConfig{Control: control}

// Listen announces on the local network address like net.Listen, with
// SO_REUSEPORT set where possible.
func Listen(network string, addr string) (net.Listener, error) {
	if ephemeral(addr) {
		return net.Listen(network, addr)
	}
	return lc.Listen(context.Background(), network, addr)
}

// ListenPacket announces on the local network address like
// net.ListenPacket, with SO_REUSEPORT set where possible.
func ListenPacket(network string, addr string) (net.PacketConn, error) {
	if ephemeral(addr) {
		return net.ListenPacket(network, addr)
	}
	return lc.ListenPacket(context.Background(), network, addr)
}

// ephemeral reports whether addr asks for any free port. Such sockets skip
// SO_REUSEPORT: the kernel may otherwise hand out a port another reuseport
// socket of this user already holds, and the two would share its traffic.
func ephemeral(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	return err == nil && (port == "0" || port == "")
}
