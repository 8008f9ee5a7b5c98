package dnsserver

import (
	"testing"

	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestNewServerSettings(t *testing.T) {
	n := 7
	cfg := &Config{Zone: "example.org.", ReadTimeout: 9e9, WriteTimeout: 8e9, IdleTimeout: 7e9, MaxTCPQueries: &n,
		TsigSecret: map[string]string{"key.": "c2VjcmV0"}}
	s, err := NewServer("dns://127.0.0.1:53", []*Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	if s.ReadTimeout != 9e9 || s.WriteTimeout != 8e9 || s.IdleTimeout != 7e9 || s.MaxTCPQueries != 7 || s.tsigSecret["key."] != "c2VjcmV0" {
		t.Errorf("server settings: read %v write %v idle %v maxq %d tsig %v", s.ReadTimeout, s.WriteTimeout, s.IdleTimeout, s.MaxTCPQueries, s.tsigSecret)
	}
	if s.Address() != "dns://127.0.0.1:53" {
		t.Errorf("Address() = %q", s.Address())
	}
	if s.Tracer() != nil {
		t.Error("Tracer() without trace plugin is not nil")
	}

	d, _ := NewServer("dns://:53", nil)
	if d.ReadTimeout <= 0 || d.WriteTimeout <= 0 || d.IdleTimeout <= 0 || d.MaxTCPQueries != 0 {
		t.Errorf("default settings: read %v write %v idle %v maxq %d", d.ReadTimeout, d.WriteTimeout, d.IdleTimeout, d.MaxTCPQueries)
	}
}

func TestServerListenAndStop(t *testing.T) {
	s, err := NewServer("dns://127.0.0.1:0", []*Config{handlerConfig(".", tagHandler("root"))})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := s.ListenPacket()
	if err != nil {
		t.Fatal(err)
	}
	l, err := s.Listen()
	if err != nil {
		t.Fatal(err)
	}
	go s.ServePacket(pc) //nolint:errcheck
	go s.Serve(l)        //nolint:errcheck

	c := &dns.Client{Timeout: 2e9}
	r := new(dns.Msg)
	r.SetQuestion("example.", dns.TypeA)
	resp, _, err := c.Exchange(r, pc.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, tagCase("example.", dns.TypeA, "root")); err != nil {
		t.Error(err)
	}
	c.Net = "tcp"
	resp, _, err = c.Exchange(r, l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if err := test.SortAndCheck(resp, tagCase("example.", dns.TypeA, "root")); err != nil {
		t.Error(err)
	}
	if err := s.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
}
