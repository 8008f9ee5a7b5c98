package test

import (
	"bytes"
	golog "log"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/caddy"
	"github.com/coredns/coredns/plugin/test"

	"github.com/miekg/dns"
)

// logBuffer collects standard logger output; the server writes to it from
// its own goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// matching returns the lines that start with prefix.
func (b *logBuffer) matching(prefix string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for l := range strings.SplitSeq(b.buf.String(), "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// wait polls for n lines starting with prefix, for at most two seconds: the
// server logs after it has answered.
func (b *logBuffer) wait(prefix string, n int) []string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := b.matching(prefix)
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// captureStdLog redirects the standard logger, without time stamps, until
// the test ends.
func captureStdLog(t *testing.T) *logBuffer {
	t.Helper()
	buf := &logBuffer{}
	out, flags := golog.Writer(), golog.Flags()
	golog.SetOutput(buf)
	golog.SetFlags(0)
	t.Cleanup(func() {
		golog.SetOutput(out)
		golog.SetFlags(flags)
	})
	return buf
}

// exchangeFrom sends m over a fresh connection and also returns the local
// port it was sent from.
func exchangeFrom(t *testing.T, network, addr string, m *dns.Msg) (*dns.Msg, int) {
	t.Helper()
	co, err := dns.DialTimeout(network, addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer co.Close()
	co.SetDeadline(time.Now().Add(2 * time.Second)) //nolint:errcheck // best effort
	if err := co.WriteMsg(m); err != nil {
		t.Fatal(err)
	}
	resp, err := co.ReadMsg()
	if err != nil {
		t.Fatal(err)
	}
	var port int
	switch a := co.LocalAddr().(type) {
	case *net.UDPAddr:
		port = a.Port
	case *net.TCPAddr:
		port = a.Port
	}
	return resp, port
}

// startLogServer starts corefile and returns the UDP and TCP addresses of its
// first listener. It reads them itself because CoreDNSServerPorts looks for
// the UDP address in ServerListener.Addr and the TCP one in LocalAddr, the
// other way round from what caddy returns.
func startLogServer(t *testing.T, corefile string) (*caddy.Instance, string, string) {
	t.Helper()
	i, err := CoreDNSServer(corefile)
	if err != nil {
		t.Fatalf("could not start server: %s", err)
	}
	var udp, tcp string
	for _, a := range []net.Addr{i.Servers()[0].LocalAddr(), i.Servers()[0].Addr()} {
		switch v := a.(type) {
		case *net.UDPAddr:
			udp = v.String()
		case *net.TCPAddr:
			tcp = v.String()
		}
	}
	return i, udp, tcp
}

var logDuration = regexp.MustCompile(`\b[0-9]+(\.[0-9]+)?s\b`)

func TestLogCommonFormat(t *testing.T) {
	buf := captureStdLog(t)
	corefile := `.:0 {
		bind 127.0.0.1
		log
		whoami
	}`
	i, udp, tcp := startLogServer(t, corefile)
	defer CoreDNSServerStop(i)

	for n, c := range transports(udp, tcp) {
		m := new(dns.Msg)
		m.SetQuestion("Example.ORG.", dns.TypeA)
		m.Id = 4242
		resp, port := exchangeFrom(t, c.network, c.addr, m)

		p := strconv.Itoa(port)
		tc := test.Case{
			Qname: "Example.ORG.", Qtype: dns.TypeA,
			Extra: []dns.RR{
				test.A("Example.ORG. 0 IN A 127.0.0.1"),
				test.SRV("_" + c.network + ".Example.ORG. 0 IN SRV 0 0 " + p + " ."),
			},
		}
		if err := test.SortAndCheck(resp, tc); err != nil {
			t.Errorf("%s: %v", c.network, err)
		}

		bufsize, rsize := "512", strconv.Itoa(resp.Len())
		if c.network == "tcp" {
			bufsize = "65535"
		}
		want := `[INFO] 127.0.0.1:` + p + ` - 4242 "A IN example.org. ` + c.network + ` 29 false ` + bufsize +
			`" NOERROR qr,aa,rd ` + rsize + ` Ds`
		got := buf.wait("[INFO] 127.0.0.1:", n+1)
		if len(got) != n+1 {
			t.Fatalf("%s: log lines %q", c.network, got)
		}
		if line := logDuration.ReplaceAllString(got[n], "Ds"); line != want {
			t.Errorf("%s: logged\n%q\nwant\n%q", c.network, line, want)
		}
	}
}

func TestLogNamesFormatAndClasses(t *testing.T) {
	buf := captureStdLog(t)
	corefile := `example.org:0 example.net:0 {
		bind 127.0.0.1
		log example.org "Q {type} {name} {rcode} {>opcode} {/no/such} {unknown}" {
			class success
		}
		log example.net "E {name} {rcode} {>rflags}" {
			class error denial
		}
		whoami
	}`
	i, udp, _ := startLogServer(t, corefile)
	defer CoreDNSServerStop(i)

	queries := []struct {
		qname string
		qtype uint16
		rcode int
	}{
		{"www.example.org.", dns.TypeAAAA, dns.RcodeSuccess}, // logged by the first rule
		{"www.example.net.", dns.TypeA, dns.RcodeSuccess},    // success: not logged by the second rule
		{"example.org.", dns.TypeMX, dns.RcodeSuccess},
	}
	for _, q := range queries {
		m := new(dns.Msg)
		m.SetQuestion(q.qname, q.qtype)
		resp, err := dns.Exchange(m, udp)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Rcode != q.rcode || len(resp.Extra) != 2 {
			t.Errorf("%s: unexpected answer %v", q.qname, resp)
		}
	}

	want := []string{
		"[INFO] Q AAAA www.example.org. NOERROR 0 - {unknown}",
		"[INFO] Q MX example.org. NOERROR 0 - {unknown}",
	}
	got := buf.wait("[INFO] Q ", len(want))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("logged\n%q\nwant\n%q", got, want)
	}
	if e := buf.matching("[INFO] E "); len(e) != 0 {
		t.Errorf("the error/denial rule logged %q", e)
	}
}

func TestLogFailureWrittenByServer(t *testing.T) {
	buf := captureStdLog(t)
	// No plugin after log: the chain fails and the server writes SERVFAIL.
	corefile := `.:0 {
		bind 127.0.0.1
		log . "{name} {rcode} {>rflags} {rsize}"
	}`
	i, udp, _ := startLogServer(t, corefile)
	defer CoreDNSServerStop(i)

	m := new(dns.Msg)
	m.SetQuestion("example.org.", dns.TypeA)
	resp, err := dns.Exchange(m, udp)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeServerFailure {
		t.Errorf("rcode %s, want SERVFAIL", dns.RcodeToString[resp.Rcode])
	}
	want := "[INFO] example.org. SERVFAIL qr,rd " + strconv.Itoa(resp.Len())
	if got := buf.wait("[INFO] example.org.", 1); len(got) != 1 || got[0] != want {
		t.Errorf("logged %q, want %q", got, want)
	}
}
