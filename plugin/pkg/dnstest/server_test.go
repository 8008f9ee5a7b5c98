package dnstest

import (
	"net"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// answerA replies to every query with an A record that tells which
// transport it came in on: 127.0.0.1 for UDP and 127.0.0.2 for TCP.
func answerA(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	ip := net.IPv4(127, 0, 0, 1)
	if _, ok := w.RemoteAddr().(*net.TCPAddr); ok {
		ip = net.IPv4(127, 0, 0, 2)
	}
	m.Answer = []dns.RR{&dns.A{
		Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 5},
		A:   ip,
	}}
	w.WriteMsg(m)
}

func TestServerUDPAndTCP(t *testing.T) {
	s := NewServer(answerA)
	defer s.Close()

	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("Addr %q is not on 127.0.0.1: %v", s.Addr, err)
	}

	tests := []struct {
		net  string
		want string
	}{
		{"udp", "127.0.0.1"},
		{"tcp", "127.0.0.2"},
	}
	for _, tc := range tests {
		m := new(dns.Msg)
		m.SetQuestion("example.org.", dns.TypeA)
		c := &dns.Client{Net: tc.net}
		resp, _, err := c.Exchange(m, s.Addr)
		if err != nil {
			t.Fatalf("%s: %v", tc.net, err)
		}
		if len(resp.Answer) != 1 {
			t.Fatalf("%s: want 1 answer, got %v", tc.net, resp.Answer)
		}
		a, ok := resp.Answer[0].(*dns.A)
		if !ok || a.A.String() != tc.want || a.Hdr.Name != "example.org." {
			t.Errorf("%s: got %v, want A %s", tc.net, resp.Answer[0], tc.want)
		}
	}
}

func TestServersAreIndependent(t *testing.T) {
	refuse := func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		w.WriteMsg(m)
	}
	s1 := NewMultipleServer(answerA)
	defer s1.Close()
	s2 := NewMultipleServer(refuse)
	defer s2.Close()
	if s1.Addr == s2.Addr {
		t.Fatalf("two servers share address %s", s1.Addr)
	}

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	r1, err := dns.Exchange(m, s1.Addr)
	if err != nil || r1.Rcode != dns.RcodeSuccess {
		t.Errorf("first server: %v, %v", r1, err)
	}
	r2, err := dns.Exchange(m, s2.Addr)
	if err != nil || r2.Rcode != dns.RcodeRefused {
		t.Errorf("second server: %v, %v", r2, err)
	}
}

func TestServerConcurrentQueries(t *testing.T) {
	s := NewMultipleServer(answerA)
	defer s.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 20 {
		wg.Add(1)
		go func(tcp bool) {
			defer wg.Done()
			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			c := &dns.Client{Net: "udp"}
			if tcp {
				c.Net = "tcp"
			}
			if _, _, err := c.Exchange(m, s.Addr); err != nil {
				errs <- err
			}
		}(i%2 == 0)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestServerClose(t *testing.T) {
	s := NewServer(answerA)
	s.Close()
	s.Close() // a second Close must not panic

	// The port is free again once the server is closed.
	l, err := net.Listen("tcp", s.Addr)
	if err != nil {
		t.Fatalf("TCP port still taken after Close: %v", err)
	}
	l.Close()
}
