package file

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/plugin/test"
	"github.com/coredns/coredns/plugin/transfer"

	"github.com/miekg/dns"
)

const primaryZone = `$ORIGIN example.org.
@    300 IN SOA ns1 hostmaster SERIAL 1 1 2 300
@    300 IN NS  ns1
ns1  300 IN A   192.0.2.1
www  300 IN A   WWW
out.of.zone.test. 300 IN A 192.0.2.99
`

// primary is a test primary for example.org whose zone can be replaced.
type primary struct {
	mu   sync.Mutex
	z    *Zone
	srv  *dnstest.Server
	soas int // SOA queries seen
}

func newPrimary(t *testing.T, serial, www string) *primary {
	t.Helper()
	p := &primary{}
	p.set(t, serial, www)
	p.srv = dnstest.NewServer(p.serve)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *primary) set(t *testing.T, serial, www string) {
	t.Helper()
	text := strings.NewReplacer("SERIAL", serial, "WWW", www).Replace(primaryZone)
	z, err := Parse(strings.NewReader(text), "example.org.", "stdin", -1)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.z = z
	p.mu.Unlock()
}

func (p *primary) serve(w dns.ResponseWriter, r *dns.Msg) {
	p.mu.Lock()
	z := p.z
	if r.Question[0].Qtype == dns.TypeSOA {
		p.soas++
	}
	p.mu.Unlock()
	switch r.Question[0].Qtype {
	case dns.TypeAXFR:
		ch, _ := z.Transfer(0)
		out := make(chan *dns.Envelope)
		go func() {
			for rrs := range ch {
				out <- &dns.Envelope{RR: rrs}
			}
			close(out)
		}()
		new(dns.Transfer).Out(w, r, out) //nolint:errcheck // test
	default:
		m := new(dns.Msg)
		m.SetReply(r)
		m.Answer = []dns.RR{z.Apex.SOA}
		w.WriteMsg(m) //nolint:errcheck // test
	}
}

func newSecondaryZone(from ...string) *Zone {
	z := NewZone("example.org.", "stdin")
	z.TransferFrom = from
	return z
}

func wwwCase(addr string) lookupCase {
	return lookupCase{Case: test.Case{
		Qname: "www.example.org.", Qtype: dns.TypeA,
		Answer: []dns.RR{test.A("www.example.org. 300 IN A " + addr)},
		Ns:     []dns.RR{test.NS("example.org. 300 IN NS ns1.example.org.")},
	}}
}

func secondaryFile(z *Zone) File {
	return File{Zones: Zones{Z: map[string]*Zone{"example.org.": z}, Names: []string{"example.org."}}}
}

func TestTransferIn(t *testing.T) {
	p := newPrimary(t, "1", "192.0.2.80")
	// The first primary is down; the second one answers.
	dead := dnstest.NewServer(func(dns.ResponseWriter, *dns.Msg) {})
	deadAddr := dead.Addr
	dead.Close()
	z := newSecondaryZone(deadAddr, p.srv.Addr)

	if ok, err := z.shouldTransfer(); !ok || err != nil {
		t.Errorf("shouldTransfer of an empty zone: %v, %v", ok, err)
	}
	if err := z.TransferIn(nil); err != nil {
		t.Fatal(err)
	}
	if s := z.SOASerialIfDefined(); s != 1 {
		t.Errorf("serial %d after transfer", s)
	}
	runCases(t, secondaryFile(z), []lookupCase{wwwCase("192.0.2.80")})
	if _, ok := z.Tree.Search("out.of.zone.test."); ok {
		t.Error("a record outside the zone was kept")
	}
	if ok, err := z.shouldTransfer(); ok || err != nil {
		t.Errorf("shouldTransfer with the same serial: %v, %v", ok, err)
	}

	// A refused transfer leaves the zone alone.
	p.set(t, "2", "192.0.2.81")
	if ok, err := z.shouldTransfer(); !ok || err != nil {
		t.Errorf("shouldTransfer with a newer serial: %v, %v", ok, err)
	}
	veto := errors.New("veto")
	if err := z.TransferInWithRecords(nil, func(rrs []dns.RR) error {
		if len(rrs) != 5 { // SOA, NS, 2 A, closing SOA
			t.Errorf("validate saw %d records", len(rrs))
		}
		return veto
	}); !errors.Is(err, veto) {
		t.Errorf("error %v, want the veto", err)
	}
	runCases(t, secondaryFile(z), []lookupCase{wwwCase("192.0.2.80")})

	if err := newSecondaryZone().TransferIn(nil); err == nil {
		t.Error("transfer without primaries did not fail")
	}
}

func TestServeNotify(t *testing.T) {
	p := newPrimary(t, "1", "192.0.2.80")
	z := newSecondaryZone(p.srv.Addr)
	if err := z.TransferIn(nil); err != nil {
		t.Fatal(err)
	}
	p.set(t, "2", "192.0.2.81")
	f := secondaryFile(z)

	// From elsewhere: dropped, nothing written.
	m := new(dns.Msg)
	m.SetNotify("example.org.")
	rec := dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: "192.0.2.200"})
	if rcode, err := f.ServeDNS(context.Background(), rec, m); rcode != dns.RcodeSuccess || err != nil || rec.Msg != nil {
		t.Errorf("foreign NOTIFY: %d %v %v", rcode, err, rec.Msg)
	}
	runCases(t, f, []lookupCase{wwwCase("192.0.2.80")})

	// From the primary: acknowledged and transferred, through
	// TransferInFunc when set.
	called := 0
	f.TransferInFunc = func(z *Zone, t *transfer.Transfer) error {
		called++
		return z.TransferIn(t)
	}
	rec = dnstest.NewRecorder(&test.ResponseWriter{RemoteIP: "127.0.0.1"})
	if rcode, err := f.ServeDNS(context.Background(), rec, m); rcode != dns.RcodeSuccess || err != nil {
		t.Errorf("NOTIFY: %d %v", rcode, err)
	}
	if rec.Msg == nil || rec.Msg.Opcode != dns.OpcodeNotify || !rec.Msg.Authoritative || rec.Msg.Rcode != dns.RcodeSuccess || !rec.Msg.Response {
		t.Errorf("NOTIFY answer %v", rec.Msg)
	}
	if called != 1 {
		t.Errorf("TransferInFunc called %d times", called)
	}
	runCases(t, f, []lookupCase{wwwCase("192.0.2.81")})
}

// TestUpdate follows the SOA timers of the test zone: refresh 1s, retry 1s,
// expire 2s.
func TestUpdate(t *testing.T) {
	p := newPrimary(t, "1", "192.0.2.80")
	z := newSecondaryZone(p.srv.Addr)
	if err := z.TransferIn(nil); err != nil {
		t.Fatal(err)
	}
	shutdown := make(chan bool)
	done := make(chan struct{})
	go func() {
		z.Update(shutdown, nil) //nolint:errcheck // never fails
		close(done)
	}()
	defer func() {
		close(shutdown)
		<-done
	}()

	p.set(t, "2", "192.0.2.81")
	waitFor(t, 3*time.Second, func() bool { return z.SOASerialIfDefined() == 2 })

	// The primary goes away: after expire the zone answers SERVFAIL.
	p.srv.Close()
	waitFor(t, 5*time.Second, func() bool {
		z.RLock()
		defer z.RUnlock()
		return z.Expired
	})
	rec := dnstest.NewRecorder(&test.ResponseWriter{})
	m := new(dns.Msg)
	m.SetQuestion("www.example.org.", dns.TypeA)
	if rcode, _ := secondaryFile(z).ServeDNS(context.Background(), rec, m); rcode != dns.RcodeServerFailure || rec.Msg != nil {
		t.Errorf("expired zone: rcode %d, wrote %v", rcode, rec.Msg)
	}
}

func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met in time")
}
