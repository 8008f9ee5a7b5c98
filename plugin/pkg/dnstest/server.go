package dnstest

import (
	"fmt"
	"net"
	"sync"

	"github.com/miekg/dns"
)

// Server is a DNS server listening on 127.0.0.1 on one port for both UDP and
// TCP, meant for tests that need something real to send queries to.
type Server struct {
	// Addr is the "127.0.0.1:port" the server listens on.
	Addr string

	udp  *dns.Server
	tcp  *dns.Server
	once sync.Once
}

// bindAttempts is how many free UDP ports are tried before giving up on
// finding one whose TCP twin is free as well.
const bindAttempts = 10

// NewServer starts a UDP and a TCP server on a free loopback port, both
// answering with f, and returns once both are serving. It panics when no port
// can be had, as there is no sensible way for a test to carry on.
func NewServer(f dns.HandlerFunc) *Server {
	pc, l, err := listenPair()
	if err != nil {
		panic(fmt.Sprintf("dnstest: %v", err))
	}

	s := &Server{
		Addr: pc.LocalAddr().String(),
		udp:  &dns.Server{PacketConn: pc, Handler: f},
		tcp:  &dns.Server{Listener: l, Handler: f},
	}

	var started sync.WaitGroup
	started.Add(2)
	s.udp.NotifyStartedFunc = started.Done
	s.tcp.NotifyStartedFunc = started.Done
	go s.udp.ActivateAndServe()
	go s.tcp.ActivateAndServe()
	started.Wait()

	return s
}

// NewMultipleServer starts a server like NewServer. Every Server has its own
// handler (none is registered on dns.DefaultServeMux), so any number of them
// can run side by side; the dns package serves each query in its own
// goroutine, so f may be called concurrently and must be safe for that.
func NewMultipleServer(f dns.HandlerFunc) *Server {
	return NewServer(f)
}

// Close stops both listeners. It is safe to call more than once.
func (s *Server) Close() {
	s.once.Do(func() {
		s.udp.Shutdown()
		s.tcp.Shutdown()
	})
}

// listenPair binds a UDP socket on a kernel-chosen loopback port and a TCP
// listener on the same port, retrying with another port when the TCP one is
// taken.
func listenPair() (net.PacketConn, net.Listener, error) {
	var lastErr error
	for range bindAttempts {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			lastErr = err
			continue
		}
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil {
			pc.Close()
			lastErr = err
			continue
		}
		return pc, l, nil
	}
	return nil, nil, fmt.Errorf("no free loopback port for UDP and TCP after %d attempts: %w", bindAttempts, lastErr)
}
