package dnsserver

import (
	"context"
	"crypto/tls"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// stateHandler answers with a TXT record saying whether the writer offered
// TLS connection state.
type stateHandler struct{}

func (stateHandler) ServeDNS(_ context.Context, w dns.ResponseWriter, r *dns.Msg) (int, error) {
	txt := "plain"
	if cs, ok := w.(dns.ConnectionStater); ok && cs.ConnectionState() != nil {
		txt = "tls"
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: r.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{txt}}}
	w.WriteMsg(m) //nolint:errcheck // test
	return dns.RcodeSuccess, nil
}

func (stateHandler) Name() string { return "state" }

var _ plugin.Handler = stateHandler{}

// TestDrainKeepsTLSState checks that the connection wrapper used for the
// stop drain leaves TLS state visible to handlers over DNS over TLS, and
// absent over plain TCP.
func TestDrainKeepsTLSState(t *testing.T) {
	dir, err := test.WritePEMFiles(t)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"plain", false}, {"tls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := handlerConfig(".", stateHandler{})
			var srv interface {
				Listen() (net.Listener, error)
				Serve(net.Listener) error
				Stop() error
			}
			if tc.tls {
				cfg.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
				s, err := NewServerTLS("tls://127.0.0.1:0", []*Config{cfg})
				if err != nil {
					t.Fatal(err)
				}
				srv = s
			} else {
				s, err := NewServer("dns://127.0.0.1:0", []*Config{cfg})
				if err != nil {
					t.Fatal(err)
				}
				srv = s
			}
			l, err := srv.Listen()
			if err != nil {
				t.Fatal(err)
			}
			go srv.Serve(l)  //nolint:errcheck // ends with Stop
			defer srv.Stop() //nolint:errcheck // test

			c := &dns.Client{Net: "tcp", Timeout: 2 * time.Second}
			if tc.tls {
				c.Net = "tcp-tls"
				c.TLSConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // test certificate
			}
			m := new(dns.Msg)
			m.SetQuestion("example.org.", dns.TypeTXT)
			var r *dns.Msg
			for range 50 { // Serve may not have started yet
				if r, _, err = c.Exchange(m, l.Addr().String()); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := test.Case{Qname: "example.org.", Qtype: dns.TypeTXT,
				Answer: []dns.RR{test.TXT(`example.org. 0 IN TXT "` + tc.name + `"`)}}
			if err := test.SortAndCheck(r, want); err != nil {
				t.Error(err)
			}
		})
	}
}

// lateListener hands out one connection from an Accept that was under way
// when the listener was closed, after a delay: the kernel had given the
// connection to accept(2) just before the close.
type lateListener struct {
	entered chan struct{} // closed when the first Accept starts
	closed  chan struct{}
	conn    net.Conn
	once    bool
}

func (l *lateListener) Accept() (net.Conn, error) {
	if !l.once {
		close(l.entered)
	}
	<-l.closed
	if !l.once {
		l.once = true
		time.Sleep(20 * time.Millisecond)
		return l.conn, nil
	}
	return nil, net.ErrClosed
}

func (l *lateListener) Close() error   { close(l.closed); return nil }
func (l *lateListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestDrainWaitsForAcceptUnderWay checks that drain does not return while an
// Accept that started before the close has yet to return its connection,
// nor before that connection is read.
func TestDrainWaitsForAcceptUnderWay(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	late := &lateListener{entered: make(chan struct{}), closed: make(chan struct{}), conn: server}
	l := &drainListener{Listener: late}
	read := make(chan time.Time, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		time.Sleep(10 * time.Millisecond) // the dns.Server's goroutine starts
		read <- time.Now()
		c.Read(make([]byte, 1)) //nolint:errcheck // the test closes the pipe
	}()
	<-late.entered
	l.drain()
	done := time.Now()
	select {
	case r := <-read:
		if done.Before(r) {
			t.Errorf("drain returned %v before the connection was read", r.Sub(done))
		}
	default:
		t.Error("drain returned before the accepted connection was read")
	}
}
