package dnsserver_test

import (
	"encoding/hex"
	"net"
	"strings"
	"testing"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/plugin"
	"github.com/coredns/coredns/plugin/file"

	"github.com/miekg/dns"
)

// captureConn keeps the last datagram written to it.
type captureConn struct {
	discardConn
	last []byte
}

func (c *captureConn) WriteTo(b []byte, _ net.Addr) (int, error) {
	c.last = append(c.last[:0], b...)
	return len(b), nil
}

// FuzzUDPPath feeds arbitrary datagrams through the UDP server's per-packet
// path with a file zone and whoami behind it. Whatever comes in, the server
// must not panic, and any reply it sends must unpack, be a response, and
// carry the query's ID.
func FuzzUDPPath(f *testing.F) {
	z, err := file.Parse(strings.NewReader("$TTL 60\n@ SOA ns1 hm 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\nwww CNAME ns1\n*.w TXT \"x\"\nsub NS ns.sub\nns.sub A 192.0.2.2\n"), "example.org.", "fuzz", 0)
	if err != nil {
		f.Fatal(err)
	}
	fl := file.File{Zones: file.Zones{Z: map[string]*file.Zone{"example.org.": z}, Names: []string{"example.org."}}}
	zone := &dnsserver.Config{Zone: "example.org.", Port: "53", Transport: "dns", ListenHosts: []string{""},
		Plugin: []plugin.Plugin{func(next plugin.Handler) plugin.Handler { fl.Next = next; return fl }}}
	s, err := dnsserver.NewServer("dns://:53", []*dnsserver.Config{whoamiConfig("."), zone})
	if err != nil {
		f.Fatal(err)
	}
	conn := &captureConn{}
	p := dnsserver.NewUDPPath(s, conn)
	from := &net.UDPAddr{IP: net.ParseIP("192.0.2.9"), Port: 5353}

	for _, q := range []struct {
		name  string
		qtype uint16
		edns  bool
	}{
		{"www.example.org.", dns.TypeA, true}, {"a.w.example.org.", dns.TypeTXT, false},
		{"x.sub.example.org.", dns.TypeA, true}, {"nx.example.org.", dns.TypeAAAA, false},
		{"example.org.", dns.TypeDS, false}, {"other.", dns.TypeA, false},
	} {
		m := new(dns.Msg)
		m.SetQuestion(q.name, q.qtype)
		if q.edns {
			m.SetEdns0(1232, true)
		}
		pkt, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pkt)
	}
	// Malformed packets of test/malformed_test.go.
	for _, h := range []string{
		"7a020100000100", "7a0301000000000000000000", "7a0401000001000000000000",
		"7a050100000100000000000009773100000100 01",
		"7a06010000010000000000 00c00c00010001",
		"7a0d0100000100000000000102773103 6c616204746573740000010001 00002910",
		"7a1103400001000000000000 4077310000010001",
	} {
		b, err := hex.DecodeString(strings.ReplaceAll(h, " ", ""))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, pkt []byte) {
		if len(pkt) < 12 {
			return // shorter than a header: dropped before this path
		}
		if len(pkt) > dns.MinMsgSize {
			pkt = pkt[:dns.MinMsgSize] // what the server reads of a datagram
		}
		conn.last = conn.last[:0]
		// The ID is read first: verifying a TSIG rewrites the header in
		// the read buffer (miekg/dns strips the record in place).
		id := uint16(pkt[0])<<8 | uint16(pkt[1])
		p.Serve(pkt, from)
		if len(conn.last) == 0 {
			return
		}
		r := new(dns.Msg)
		if err := r.Unpack(conn.last); err != nil {
			t.Fatalf("reply does not unpack: %v", err)
		}
		if !r.Response {
			t.Fatalf("reply without QR: %v", r)
		}
		if r.Id != id {
			t.Fatalf("reply ID %d, query ID %d\nreply %x", r.Id, id, conn.last)
		}
		if len(conn.last) > 65535 {
			t.Fatalf("reply of %d bytes", len(conn.last))
		}
	})
}
