package test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/coredns/coredns/core/dnsserver"

	"github.com/miekg/dns"
	"github.com/quic-go/quic-go"
)

func quicServer(t *testing.T, extra string) (stop func(), conn *quic.Conn) {
	t.Helper()
	cert, key, cc := testCert(t)
	corefile := `quic://.:0 {
		bind 127.0.0.1
		tls ` + cert + ` ` + key + `
		` + extra + `
		whoami
	}`
	i, udp, _, err := CoreDNSServerAndPorts(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	cc.NextProtos = []string{"doq"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err = quic.DialAddr(ctx, udp, cc, &quic.Config{})
	if err != nil {
		CoreDNSServerStop(i)
		t.Fatalf("dial: %s", err)
	}
	return func() { conn.CloseWithError(0, ""); CoreDNSServerStop(i) }, conn
}

// doq sends one query on a new stream and reads the answer.
func doq(conn *quic.Conn, m *dns.Msg) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stream, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return nil, err
	}
	buf, err := m.Pack()
	if err != nil {
		return nil, err
	}
	if _, err := stream.Write(dnsserver.AddPrefix(buf)); err != nil {
		return nil, err
	}
	stream.Close()
	stream.SetReadDeadline(time.Now().Add(5 * time.Second))
	var l [2]byte
	if _, err := io.ReadFull(stream, l[:]); err != nil {
		return nil, err
	}
	resp := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(stream, resp); err != nil {
		return nil, err
	}
	r := new(dns.Msg)
	return r, r.Unpack(resp)
}

func TestQUICServer(t *testing.T) {
	for _, extra := range []string{"", "quic {\nmax_streams 4\nworker_pool_size 2\n}"} {
		stop, conn := quicServer(t, extra)
		for range 3 { // several streams on one connection
			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			m.Id = 0
			r, err := doq(conn, m)
			if err != nil {
				stop()
				t.Fatalf("%q: %s", extra, err)
			}
			if r.Id != 0 {
				t.Errorf("id %d, want 0", r.Id)
			}
			checkWhoami(t, r, "udp")
		}
		stop()
	}
}

func TestQUICProtocolError(t *testing.T) {
	stop, conn := quicServer(t, "")
	defer stop()
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.Id = 1234 // RFC 9250: must be 0
	if _, err := doq(conn, m); err == nil {
		t.Fatal("query with a non-zero ID was answered")
	}
	select {
	case <-conn.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("connection not closed")
	}
	var appErr *quic.ApplicationError
	if err := context.Cause(conn.Context()); !errors.As(err, &appErr) || appErr.ErrorCode != dnsserver.DoQCodeProtocolError {
		t.Errorf("close reason %v, want application error %d", err, dnsserver.DoQCodeProtocolError)
	}
}

func TestQUICNeedsTLS(t *testing.T) {
	for _, scheme := range []string{"quic", "https3"} {
		i, err := CoreDNSServer(scheme + "://.:0 {\nbind 127.0.0.1\nwhoami\n}")
		if err == nil {
			CoreDNSServerStop(i)
			t.Errorf("%s without tls started", scheme)
			continue
		}
		if !strings.Contains(err.Error(), "needs a tls configuration") {
			t.Errorf("%s: error %q", scheme, err)
		}
	}
}
