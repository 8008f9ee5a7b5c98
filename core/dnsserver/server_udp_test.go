package dnsserver

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// startUDP serves h on a UDP socket of addr and returns the socket's address
// and a function that stops the server and returns Serve's error.
func startUDP(t *testing.T, addr string, h dns.Handler, decorate dns.DecorateWriter, secrets map[string]string) (string, func(context.Context) error) {
	t.Helper()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	u := newUDPServer(pc, h, decorate, secrets)
	served := make(chan error, 1)
	go func() { served <- u.serve() }()
	return pc.LocalAddr().String(), func(ctx context.Context) error {
		err := u.stop(ctx)
		select {
		case <-served:
		case <-time.After(5 * time.Second):
			t.Error("serve did not return after stop")
		}
		return err
	}
}

// echoRemote answers with a TXT holding the client address the writer saw.
func echoRemote(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	ra, ok := w.RemoteAddr().(*net.UDPAddr)
	txt := "not a UDPAddr"
	if ok {
		txt = ra.String()
	}
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{txt}}}
	w.WriteMsg(m)
}

func TestUDPServerAnswers(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", ":0"} {
		t.Run(addr, func(t *testing.T) {
			laddr, stop := startUDP(t, addr, dns.HandlerFunc(echoRemote), nil, nil)
			defer stop(context.Background())
			_, port, _ := net.SplitHostPort(laddr)
			conn, err := net.Dial("udp", "127.0.0.1:"+port)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			c := &dns.Conn{Conn: conn}
			for i := range 3 {
				m := new(dns.Msg)
				m.SetQuestion("example.org.", dns.TypeTXT)
				m.Id = uint16(100 + i)
				if err := c.WriteMsg(m); err != nil {
					t.Fatal(err)
				}
				c.SetReadDeadline(time.Now().Add(2 * time.Second))
				r, err := c.ReadMsg()
				if err != nil {
					t.Fatal(err)
				}
				if r.Id != m.Id || len(r.Answer) != 1 {
					t.Fatalf("reply %v", r)
				}
				if got, want := r.Answer[0].(*dns.TXT).Txt[0], conn.LocalAddr().String(); got != want {
					t.Errorf("RemoteAddr %q, want %q", got, want)
				}
			}
		})
	}
}

// countingWriter is a dns.DecorateWriter that counts writes.
type countingWriter struct {
	dns.Writer
	n *atomic.Int32
}

func (c countingWriter) Write(b []byte) (int, error) { c.n.Add(1); return c.Writer.Write(b) }

func TestUDPServerDecorateWriter(t *testing.T) {
	var n atomic.Int32
	decorate := func(w dns.Writer) dns.Writer { return countingWriter{w, &n} }
	laddr, stop := startUDP(t, "127.0.0.1:0", dns.HandlerFunc(echoRemote), decorate, nil)
	defer stop(context.Background())
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeTXT)
	if _, err := dns.Exchange(m, laddr); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 {
		t.Errorf("decorated writer wrote %d times, want 1", n.Load())
	}
}

func TestUDPServerRejects(t *testing.T) {
	laddr, stop := startUDP(t, "127.0.0.1:0", dns.HandlerFunc(echoRemote), nil, nil)
	defer stop(context.Background())
	for _, tc := range []struct {
		name   string
		opcode int
		qdNone bool
		rcode  int
	}{
		{name: "update", opcode: dns.OpcodeUpdate, rcode: dns.RcodeNotImplemented},
		{name: "no question", opcode: dns.OpcodeQuery, qdNone: true, rcode: dns.RcodeFormatError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeA)
			m.Opcode = tc.opcode
			if tc.qdNone {
				m.Question = nil
			}
			r, err := dns.Exchange(m, laddr)
			if err != nil {
				t.Fatal(err)
			}
			if r.Rcode != tc.rcode || r.Opcode != tc.opcode || len(r.Answer) != 0 {
				t.Errorf("got rcode %d opcode %d answer %v, want rcode %d opcode %d", r.Rcode, r.Opcode, r.Answer, tc.rcode, tc.opcode)
			}
		})
	}
}

func TestUDPServerTsig(t *testing.T) {
	const key, secret = "key.", "c2VjcmV0c2VjcmV0c2VjcmV0"
	status := make(chan error, 1)
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		status <- w.TsigStatus()
		m := new(dns.Msg)
		m.SetReply(r)
		if t := r.IsTsig(); t != nil {
			m.SetTsig(t.Hdr.Name, t.Algorithm, 300, time.Now().Unix())
		}
		w.WriteMsg(m)
	})
	laddr, stop := startUDP(t, "127.0.0.1:0", h, nil, map[string]string{key: secret})
	defer stop(context.Background())

	c := &dns.Client{TsigSecret: map[string]string{key: secret, "other.": secret}}
	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.SetTsig(key, dns.HmacSHA256, 300, time.Now().Unix())
	if _, _, err := c.Exchange(m, laddr); err != nil {
		t.Fatalf("signed exchange: %v", err) // the client verifies the reply's TSIG
	}
	if err := <-status; err != nil {
		t.Errorf("TsigStatus = %v, want nil", err)
	}

	m = new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	m.SetTsig("other.", dns.HmacSHA256, 300, time.Now().Unix())
	c.Timeout = 200 * time.Millisecond
	c.Exchange(m, laddr) //nolint:errcheck // the reply cannot be signed
	if err := <-status; err != dns.ErrSecret {
		t.Errorf("TsigStatus for an unknown key = %v, want %v", err, dns.ErrSecret)
	}
}

// TestUDPServerSlowHandlers checks that blocked handlers do not stop other
// queries from being answered, and that stop waits for the ones in flight.
func TestUDPServerSlowHandlers(t *testing.T) {
	release := make(chan struct{})
	var started sync.WaitGroup
	const slow = 20
	started.Add(slow)
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		if r.Question[0].Name == "slow." {
			started.Done()
			<-release
		}
		echoRemote(w, r)
	})
	laddr, stop := startUDP(t, "127.0.0.1:0", h, nil, nil)

	slowReplies := make(chan error, slow)
	for range slow {
		go func() {
			m := new(dns.Msg)
			m.SetQuestion("slow.", dns.TypeTXT)
			_, err := dns.Exchange(m, laddr)
			slowReplies <- err
		}()
	}
	started.Wait()
	m := new(dns.Msg)
	m.SetQuestion("fast.", dns.TypeTXT)
	if _, err := dns.Exchange(m, laddr); err != nil {
		t.Fatalf("fast query while %d handlers block: %v", slow, err)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- stop(context.Background()) }()
	select {
	case <-stopped:
		t.Fatal("stop returned with handlers in flight")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Errorf("stop: %v", err)
	}
	for range slow {
		if err := <-slowReplies; err != nil {
			t.Errorf("slow query: %v", err)
		}
	}
}

func TestUDPServerStopTimeout(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{})
	h := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) { close(entered); <-release })
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := newUDPServer(pc, h, nil, nil)
	served := make(chan error, 1)
	go func() { served <- u.serve() }()
	go func() {
		m := new(dns.Msg)
		m.SetQuestion("slow.", dns.TypeA)
		dns.Exchange(m, pc.LocalAddr().String()) //nolint:errcheck // never answered
	}()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := u.stop(ctx); err != context.DeadlineExceeded {
		t.Errorf("stop = %v, want %v", err, context.DeadlineExceeded)
	}
	close(release)
	if err := <-served; err != nil {
		t.Errorf("serve = %v, want nil", err)
	}
}

// TestUDPServerStopClosesSocket checks that the port is free when stop
// returns, as a server restarted on it needs.
func TestUDPServerStopClosesSocket(t *testing.T) {
	laddr, stop := startUDP(t, "127.0.0.1:0", dns.HandlerFunc(echoRemote), nil, nil)
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", laddr)
	if err != nil {
		t.Fatalf("port still taken after stop: %v", err)
	}
	pc.Close()
}

// TestUDPServerStopRacesServe stops servers while they start (run with
// -race).
func TestUDPServerStopRacesServe(t *testing.T) {
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		u := newUDPServer(pc, dns.HandlerFunc(echoRemote), nil, nil)
		served := make(chan error, 1)
		go func() { served <- u.serve() }()
		if err := u.stop(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-served:
		case <-time.After(5 * time.Second):
			t.Fatal("serve did not return")
		}
	}
}
