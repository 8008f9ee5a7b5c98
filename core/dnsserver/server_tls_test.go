package dnsserver

import (
	"crypto/tls"
	"strings"
	"testing"
)

func TestMakeServersTransports(t *testing.T) {
	h, _, err := inspect(t,
		[]string{"dns://.:1053"},
		[]string{"tls://.:1853"},
		[]string{"https://.:1443"},
		[]string{"grpc://.:2443"},
		[]string{"quic://.:2853"},
		[]string{"https3://.:3443"},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.configs {
		c.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	servers, err := h.MakeServers()
	if err != nil {
		t.Fatal(err)
	}
	if len(servers) != 6 {
		t.Fatalf("made %d servers, want 6", len(servers))
	}
	checks := []func(any) bool{
		func(s any) bool { _, ok := s.(*Server); return ok },
		func(s any) bool { _, ok := s.(*ServerTLS); return ok },
		func(s any) bool { _, ok := s.(*ServerHTTPS); return ok },
		func(s any) bool { _, ok := s.(*ServergRPC); return ok },
		func(s any) bool { _, ok := s.(*ServerQUIC); return ok },
		func(s any) bool { _, ok := s.(*ServerHTTPS3); return ok },
	}
	for i, ok := range checks {
		if !ok(servers[i]) {
			t.Errorf("server %d is a %T", i, servers[i])
		}
	}
}

func TestMakeServersQUICWithoutTLS(t *testing.T) {
	h, _, err := inspect(t, []string{"quic://.:2853"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.MakeServers(); err == nil || !strings.Contains(err.Error(), "needs a tls configuration") {
		t.Errorf("error %v, want one about tls", err)
	}
}

func TestGroupTLSConfigCopies(t *testing.T) {
	orig := &tls.Config{MinVersion: tls.VersionTLS12}
	got := groupTLSConfig([]*Config{{}, {TLSConfig: orig}})
	if got == nil || got == orig {
		t.Fatalf("got %p, want a copy of %p", got, orig)
	}
	got.NextProtos = []string{"doq"}
	if len(orig.NextProtos) != 0 {
		t.Error("the block's config was changed")
	}
	if groupTLSConfig([]*Config{{}}) != nil {
		t.Error("config made from nothing")
	}
}
