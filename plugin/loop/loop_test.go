package loop

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

func TestNew(t *testing.T) {
	tests := []struct {
		zone string
		re   string
	}{
		{".", `^[0-9]+\.[0-9]+\.$`},
		{"example.org.", `^[0-9]+\.[0-9]+\.example\.org\.$`},
		{"Example.ORG.", `^[0-9]+\.[0-9]+\.example\.org\.$`},
	}
	for _, tc := range tests {
		l, err := New(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(tc.re).MatchString(l.qname) {
			t.Errorf("zone %s: probe name %q", tc.zone, l.qname)
		}
		if _, ok := dns.IsDomainName(l.qname); !ok {
			t.Errorf("probe name %q is no domain name", l.qname)
		}
	}
	a, _ := New(".")
	b, _ := New(".")
	if a.qname == b.qname {
		t.Error("two probe names are the same")
	}
}

// loopFor returns a Loop for zone whose fatal exit records its message.
func loopFor(t *testing.T, zone string) (*Loop, *[]string) {
	t.Helper()
	l, err := New(zone)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	l.fatal = func(format string, v ...any) { msgs = append(msgs, fmt.Sprintf(format, v...)) }
	l.Next = test.NextHandler(dns.RcodeSuccess, nil)
	return l, &msgs
}

func serve(t *testing.T, l *Loop, qname string, qtype uint16) {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	rcode, err := l.ServeDNS(context.Background(), rec, m)
	if err != nil || rcode != dns.RcodeSuccess {
		t.Fatalf("%s: rcode %d, error %v; want the next plugin's answer", qname, rcode, err)
	}
}

func TestDetect(t *testing.T) {
	l, msgs := loopFor(t, "example.org.")
	addr := ":1053"
	l.addr.Store(&addr)

	// Other names and types are passed on and not counted.
	for range 5 {
		serve(t, l, "www.example.org.", dns.TypeHINFO)
		serve(t, l, l.qname, dns.TypeA)
	}
	serve(t, l, l.qname, dns.TypeHINFO)
	serve(t, l, dns.CanonicalName(l.qname), dns.TypeHINFO)
	if len(*msgs) != 0 {
		t.Fatalf("two arrivals of the probe ended the process: %q", *msgs)
	}
	serve(t, l, l.qname, dns.TypeHINFO)
	if len(*msgs) != 1 {
		t.Fatalf("third arrival: %d fatal messages, want 1", len(*msgs))
	}
	want := fmt.Sprintf(`Loop (10.240.0.1:40212 -> :1053) detected for zone "example.org.", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO %s"`, l.qname)
	if (*msgs)[0] != want {
		t.Errorf("message\n%s\nwant\n%s", (*msgs)[0], want)
	}
}

func TestDisabled(t *testing.T) {
	l, msgs := loopFor(t, ".")
	l.disabled.Store(true)
	for range 5 {
		serve(t, l, l.qname, dns.TypeHINFO)
	}
	if len(*msgs) != 0 {
		t.Errorf("a disabled loop plugin ended the process: %q", *msgs)
	}
}

func TestProbeAnswered(t *testing.T) {
	l, _ := loopFor(t, ".")
	got := make(chan string, 10)
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		got <- dns.Type(r.Question[0].Qtype).String() + " " + r.Question[0].Name
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNameError) // any reply will do
		w.WriteMsg(m)
	})
	defer s.Close()

	done := make(chan struct{})
	go func() { l.probe(s.Addr); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("probe did not finish")
	}
	if q := <-got; q != "HINFO "+l.qname {
		t.Errorf("probe asked %q", q)
	}
	if !l.disabled.Load() {
		t.Error("plugin not disabled after the probe was answered")
	}
}

func TestProbeGivesUp(t *testing.T) {
	defer func(f, o, p time.Duration) { probeFor, probeTimeout, probePause = f, o, p }(probeFor, probeTimeout, probePause)
	probeFor, probeTimeout, probePause = 300*time.Millisecond, 20*time.Millisecond, 10*time.Millisecond

	// Nothing answers on this address.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()

	l, _ := loopFor(t, ".")
	start := time.Now()
	l.probe(pc.LocalAddr().String())
	if d := time.Since(start); d < probeFor || d > 5*probeFor {
		t.Errorf("probing took %v, want about %v", d, probeFor)
	}
	if l.disabled.Load() {
		t.Error("disabled without a reply")
	}

	// Stopping ends the probing early.
	l2, _ := loopFor(t, ".")
	probeFor = time.Hour
	done := make(chan struct{})
	go func() { l2.probe(pc.LocalAddr().String()); close(done) }()
	time.Sleep(30 * time.Millisecond)
	l2.stop()
	l2.stop()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("probe did not stop")
	}
}
