package test

import "testing"

// startServer starts a server from corefile, stops it when the test ends,
// and returns the UDP and TCP addresses of its first listener.
func startServer(t testing.TB, corefile string) (udp, tcp string) {
	t.Helper()
	i, udp, tcp, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %v", err)
	}
	t.Cleanup(func() { CoreDNSServerStop(i) })
	return udp, tcp
}

// transport is one way to reach a running server: "udp" or "tcp", and the
// address to send to.
type transport struct{ network, addr string }

// serve starts a server like startServer and lists its transports, UDP
// first.
func serve(t testing.TB, corefile string) []transport {
	t.Helper()
	return transports(startServer(t, corefile))
}

// transports lists a server's UDP and TCP addresses as transports.
func transports(udp, tcp string) []transport {
	return []transport{{"udp", udp}, {"tcp", tcp}}
}
