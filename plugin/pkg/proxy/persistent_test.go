package proxy

import (
	"errors"
	"testing"
	"time"

	"github.com/coredns/coredns/plugin/pkg/dnstest"

	"github.com/miekg/dns"
)

func newTestTransport(t *testing.T) (*Transport, string) {
	t.Helper()
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		w.WriteMsg(m)
	})
	t.Cleanup(s.Close)
	tr := newTransport("test", s.Addr)
	tr.Start()
	t.Cleanup(tr.Stop)
	return tr, s.Addr
}

func TestTransportCache(t *testing.T) {
	tr, _ := newTestTransport(t)

	tests := []struct {
		proto string
		kind  int
	}{
		{"udp", typeUDP},
		{"tcp", typeTCP},
	}
	for _, tc := range tests {
		pc, cached, err := tr.Dial(tc.proto)
		if err != nil || cached {
			t.Fatalf("%s: first Dial: cached %v, err %v", tc.proto, cached, err)
		}
		if pc.kind != tc.kind {
			t.Errorf("%s: kind %d, want %d", tc.proto, pc.kind, tc.kind)
		}
		tr.Yield(pc)
		pc2, cached, err := tr.Dial(tc.proto)
		if err != nil || !cached || pc2 != pc {
			t.Fatalf("%s: second Dial: cached %v, same %v, err %v", tc.proto, cached, pc2 == pc, err)
		}
		tr.Yield(pc2)
	}
}

func TestTransportFIFO(t *testing.T) {
	tr, _ := newTestTransport(t)
	var pcs []*persistConn
	for range 3 {
		pc, _, err := tr.Dial("udp")
		if err != nil {
			t.Fatal(err)
		}
		pcs = append(pcs, pc)
	}
	for _, pc := range pcs {
		tr.Yield(pc)
	}
	for i := range pcs {
		pc, cached, err := tr.Dial("udp")
		if err != nil || !cached {
			t.Fatalf("Dial %d: cached %v, err %v", i, cached, err)
		}
		if pc != pcs[i] {
			t.Errorf("Dial %d returned another connection than yielded %d-th", i, i)
		}
	}
}

func TestTransportExpire(t *testing.T) {
	tr, _ := newTestTransport(t)
	tr.SetExpire(50 * time.Millisecond)

	pc, _, err := tr.Dial("udp")
	if err != nil {
		t.Fatal(err)
	}
	tr.Yield(pc)
	time.Sleep(80 * time.Millisecond)
	if _, cached, err := tr.Dial("udp"); err != nil || cached {
		t.Fatalf("Dial after expiry: cached %v, err %v; want a new connection", cached, err)
	}
}

func TestTransportCleanup(t *testing.T) {
	tr, _ := newTestTransport(t)
	tr.SetExpire(time.Minute)
	for range 3 {
		pc, _, err := tr.Dial("tcp")
		if err != nil {
			t.Fatal(err)
		}
		tr.Yield(pc)
	}
	tr.cleanup(time.Now())
	if n := tr.conns[typeTCP].len(); n != 1 {
		// Three sequential dial/yield rounds reuse one connection.
		t.Fatalf("cached %d connections, want 1", n)
	}
	tr.cleanup(time.Now().Add(2 * time.Minute))
	if n := tr.conns[typeTCP].len(); n != 0 {
		t.Fatalf("cached %d connections after expiry, want 0", n)
	}
}

func TestTransportMaxAge(t *testing.T) {
	tr, _ := newTestTransport(t)
	tr.SetMaxAge(50 * time.Millisecond)

	pc, _, err := tr.Dial("udp")
	if err != nil {
		t.Fatal(err)
	}
	// Busy: used again and again, but it still ages out.
	redialled := 0
	for range 4 {
		tr.Yield(pc)
		time.Sleep(20 * time.Millisecond)
		var cached bool
		pc, cached, err = tr.Dial("udp")
		if err != nil {
			t.Fatal(err)
		}
		if !cached {
			redialled++
		}
	}
	if redialled == 0 {
		t.Error("a connection in use for 80ms was reused with max_age 50ms")
	}
	tr.Yield(pc)
	time.Sleep(60 * time.Millisecond)
	tr.cleanup(time.Now())
	if n := tr.conns[typeUDP].len(); n != 0 {
		t.Errorf("cached %d connections older than max_age, want 0", n)
	}
}

func TestTransportMaxIdleConns(t *testing.T) {
	tr, _ := newTestTransport(t)
	tr.SetMaxIdleConns(2)
	var pcs []*persistConn
	for range 4 {
		pc, _, err := tr.Dial("udp")
		if err != nil {
			t.Fatal(err)
		}
		pcs = append(pcs, pc)
	}
	for _, pc := range pcs {
		tr.Yield(pc)
	}
	if n := tr.conns[typeUDP].len(); n != 2 {
		t.Errorf("cached %d idle connections, want 2", n)
	}
}

func TestTransportStop(t *testing.T) {
	s := dnstest.NewServer(func(w dns.ResponseWriter, r *dns.Msg) {})
	defer s.Close()
	tr := newTransport("test", s.Addr)
	tr.Start()
	tr.Start() // twice is fine
	pc, _, err := tr.Dial("udp")
	if err != nil {
		t.Fatal(err)
	}
	pc2, _, _ := tr.Dial("udp")
	tr.Yield(pc)
	tr.Stop()
	tr.Stop() // and so is stopping twice

	if n := tr.conns[typeUDP].len(); n != 0 {
		t.Errorf("%d connections left after Stop", n)
	}
	tr.Yield(pc2) // closed, not cached
	if n := tr.conns[typeUDP].len(); n != 0 {
		t.Errorf("a connection yielded after Stop was cached")
	}
	if _, _, err := tr.Dial("udp"); !errors.Is(err, errTransportStopped) {
		t.Errorf("Dial after Stop: err = %v, want %q", err, ErrTransportStopped)
	}

	// Start again after Stop.
	tr.Start()
	defer tr.Stop()
	if _, _, err := tr.Dial("udp"); err != nil {
		t.Errorf("Dial after restart: %v", err)
	}
}

func TestDialTimeout(t *testing.T) {
	tr := newTransport("test", "127.0.0.1:1")
	if got := tr.dialTimeout(); got != maxDialTimeout {
		t.Errorf("initial dial timeout %v, want %v", got, maxDialTimeout)
	}
	for range 40 {
		tr.updateDialTime(time.Millisecond)
	}
	if got := tr.dialTimeout(); got != minDialTimeout {
		t.Errorf("dial timeout after fast dials %v, want %v", got, minDialTimeout)
	}
	for range 40 {
		tr.updateDialTime(3 * time.Second)
	}
	if got := tr.dialTimeout(); got < 5*time.Second || got > 6*time.Second {
		t.Errorf("dial timeout after 3s dials %v, want about 6s", got)
	}
}

func TestConnQueue(t *testing.T) {
	var q connQueue
	conns := make([]*persistConn, 10)
	for i := range conns {
		conns[i] = &persistConn{kind: i}
	}
	// Interleave pushes and pops so the ring wraps and grows.
	for i := range 3 {
		q.push(conns[i])
	}
	if q.pop() != conns[0] {
		t.Fatal("pop did not return the first pushed")
	}
	for i := 3; i < 10; i++ {
		q.push(conns[i])
	}
	q.filter(func(pc *persistConn) bool { return pc.kind%2 == 1 })
	var got []int
	q.drain(func(pc *persistConn) { got = append(got, pc.kind) })
	want := []int{1, 3, 5, 7, 9}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
