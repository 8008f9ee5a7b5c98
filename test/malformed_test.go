package test

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// malformedCase is one packet of the malformed golden scenario and what the
// server must do with it: drop it, or answer with this header.
type malformedCase struct {
	name     string
	raw      string // hex, "_" separates groups; or
	msg      func() *dns.Msg
	drop     bool
	rcode    int
	opcode   int
	question string // "" for an empty question section
	aa, rd   bool
	whoami   bool   // the whoami A and SRV records in the additional section
	ednsSize uint16 // 0: no OPT in the reply
}

// The header of each raw packet is id(2) flags(2) qd an ns ar; the name
// w1.lab.test is 027731 036c6162 0474657374 00.
var malformedCases = []malformedCase{
	{name: "baseline", raw: "7a01_0100_0001_0000_0000_0000_027731036c616204746573740000010001",
		question: "w1.lab.test.\tIN\t A", aa: true, rd: true, whoami: true},
	{name: "shorter than a header", raw: "7a02_0100_000100", drop: true},
	{name: "qdcount 0", raw: "7a03_0100_0000_0000_0000_0000", rcode: dns.RcodeFormatError, rd: true},
	{name: "qdcount 1 without question", raw: "7a04_0100_0001_0000_0000_0000", rcode: dns.RcodeServerFailure, rd: true},
	{name: "label past the end", raw: "7a05_0100_0001_0000_0000_0000_0977310000010001", rcode: dns.RcodeFormatError, rd: true},
	{name: "compression loop", raw: "7a06_0100_0001_0000_0000_0000_c00c00010001", rcode: dns.RcodeFormatError, rd: true},
	{name: "qdcount 2", raw: "7a07_0100_0002_0000_0000_0000_027731036c616204746573740000010001_027732036c616204746573740000010001",
		rcode: dns.RcodeFormatError, rd: true},
	{name: "QR set", raw: "7a08_8100_0001_0000_0000_0000_027731036c616204746573740000010001", drop: true},
	{name: "opcode STATUS", raw: "7a09_1100_0001_0000_0000_0000_027731036c616204746573740000010001",
		rcode: dns.RcodeNotImplemented, opcode: dns.OpcodeStatus, rd: true},
	{name: "opcode UPDATE", raw: "7a0a_2900_0001_0000_0000_0000_027731036c616204746573740000010001",
		rcode: dns.RcodeNotImplemented, opcode: dns.OpcodeUpdate, rd: true},
	{name: "opcode NOTIFY", raw: "7a0b_2100_0001_0000_0000_0000_027731036c616204746573740000060001",
		opcode: dns.OpcodeNotify, question: "w1.lab.test.\tIN\t SOA", aa: true, whoami: true},
	{name: "trailing garbage", raw: "7a0c_0100_0001_0000_0000_0000_027731036c616204746573740000010001_deadbeef",
		question: "w1.lab.test.\tIN\t A", aa: true, rd: true, whoami: true},
	{name: "OPT cut short", raw: "7a0d_0100_0001_0000_0000_0001_027731036c616204746573740000010001_00002910",
		rcode: dns.RcodeFormatError, question: "w1.lab.test.\tIN\t A", rd: true},
	{name: "two OPT records", raw: "7a0e_0100_0001_0000_0000_0002_027731036c616204746573740000010001_0000290200000000000000_0000290200000000000000",
		question: "w1.lab.test.\tIN\t A", aa: true, rd: true, whoami: true, ednsSize: 512},
	{name: "answer in a query", raw: "7a0f_0100_0001_0001_0000_0000_027731036c616204746573740000010001_c00c000100010000003c00040a630001",
		question: "w1.lab.test.\tIN\t A", aa: true, rd: true, whoami: true},
	{name: "TC and Z set", raw: "7a10_0340_0001_0000_0000_0000_027731036c616204746573740000010001",
		question: "w1.lab.test.\tIN\t A", aa: true, rd: true, whoami: true},
	{name: "label type 01", raw: "7a11_0100_0001_0000_0000_0000_4077310000010001", rcode: dns.RcodeFormatError, rd: true},
	{name: "class NONE raw", raw: "7a12_0100_0001_0000_0000_0000_027731036c6162047465737400000100fe",
		rcode: dns.RcodeRefused, question: "w1.lab.test.\tNONE\t A", rd: true},
	{name: "TYPE0", msg: malformedQuery("w2.lab.test.", 0, dns.ClassINET, dns.OpcodeQuery),
		question: "w2.lab.test.\tIN\t None", aa: true, rd: true, whoami: true},
	{name: "TYPE65280", msg: malformedQuery("w3.lab.test.", 65280, dns.ClassINET, dns.OpcodeQuery),
		question: "w3.lab.test.\tIN\t TYPE65280", aa: true, rd: true, whoami: true},
	{name: "class ANY", msg: malformedQuery("w4.lab.test.", dns.TypeA, dns.ClassANY, dns.OpcodeQuery),
		rcode: dns.RcodeRefused, question: "w4.lab.test.\tCLASS255\t A", rd: true},
	{name: "class NONE", msg: malformedQuery("w5.lab.test.", dns.TypeA, dns.ClassNONE, dns.OpcodeQuery),
		rcode: dns.RcodeRefused, question: "w5.lab.test.\tNONE\t A", rd: true},
	{name: "opcode IQUERY", msg: malformedQuery("w6.lab.test.", dns.TypeA, dns.ClassINET, dns.OpcodeIQuery),
		rcode: dns.RcodeNotImplemented, opcode: dns.OpcodeIQuery, rd: true},
	{name: "opcode 15", msg: malformedQuery("w7.lab.test.", dns.TypeA, dns.ClassINET, 15),
		rcode: dns.RcodeNotImplemented, opcode: 15, rd: true},
	{name: "root outside the zone", msg: malformedQuery(".", dns.TypeNS, dns.ClassINET, dns.OpcodeQuery),
		rcode: dns.RcodeRefused, question: ".\tIN\t NS", rd: true},
}

func malformedQuery(name string, qtype, qclass uint16, opcode int) func() *dns.Msg {
	return func() *dns.Msg {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		m.Question[0].Qclass = qclass
		m.Opcode = opcode
		return m
	}
}

func (tc malformedCase) packet(t *testing.T) []byte {
	t.Helper()
	if tc.msg != nil {
		buf, err := tc.msg().Pack()
		if err != nil {
			t.Fatal(err)
		}
		return buf
	}
	buf, err := hex.DecodeString(strings.ReplaceAll(tc.raw, "_", ""))
	if err != nil {
		t.Fatal(err)
	}
	return buf
}

// sendRaw sends pkt to addr and returns the raw reply, or nil when nothing
// came back within wait (or, over TCP, the server closed the connection).
func sendRawPacket(t *testing.T, network, addr string, pkt []byte, wait time.Duration) []byte {
	t.Helper()
	conn, err := net.DialTimeout(network, addr, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(wait)) //nolint:errcheck
	if network == "tcp" {
		var l [2]byte
		binary.BigEndian.PutUint16(l[:], uint16(len(pkt))) //nolint:gosec // test packets are small
		pkt = append(l[:], pkt...)
	}
	if _, err := conn.Write(pkt); err != nil {
		t.Fatal(err)
	}
	if network == "udp" {
		buf := make([]byte, dns.MaxMsgSize)
		n, err := conn.Read(buf)
		if isDroppedErr(err) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return buf[:n]
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		if isDroppedErr(err) {
			return nil
		}
		t.Fatal(err)
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(conn, buf); err != nil {
		t.Fatalf("reading a %d byte reply: %v", len(buf), err)
	}
	return buf
}

func isDroppedErr(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return strings.Contains(err.Error(), "connection reset")
}

// check compares the reply to a packet with the case.
func (tc malformedCase) check(t *testing.T, network string, id uint16, raw []byte) {
	t.Helper()
	if tc.drop {
		if raw != nil {
			t.Errorf("got a %d byte reply, want the packet dropped", len(raw))
		}
		return
	}
	if raw == nil {
		t.Fatal("no reply")
	}
	resp := new(dns.Msg)
	if err := resp.Unpack(raw); err != nil {
		t.Fatalf("reply does not parse: %v", err)
	}
	if resp.Id != id || !resp.Response || resp.Rcode != tc.rcode || resp.Opcode != tc.opcode ||
		resp.Authoritative != tc.aa || resp.RecursionDesired != tc.rd || resp.Truncated || resp.Zero {
		t.Errorf("header id=%d qr=%v rcode=%s opcode=%d aa=%v rd=%v tc=%v z=%v; want id=%d qr rcode=%s opcode=%d aa=%v rd=%v",
			resp.Id, resp.Response, dns.RcodeToString[resp.Rcode], resp.Opcode, resp.Authoritative, resp.RecursionDesired, resp.Truncated, resp.Zero,
			id, dns.RcodeToString[tc.rcode], tc.opcode, tc.aa, tc.rd)
	}
	q := ""
	if len(resp.Question) > 0 {
		q = strings.TrimPrefix(resp.Question[0].String(), ";")
	}
	if len(resp.Question) > 1 || q != strings.TrimPrefix(tc.question, ";") {
		t.Errorf("question %q (%d), want %q", q, len(resp.Question), tc.question)
	}
	if len(resp.Answer) != 0 || len(resp.Ns) != 0 {
		t.Errorf("answer %v authority %v, want both empty", resp.Answer, resp.Ns)
	}

	var extra []dns.RR
	var opt *dns.OPT
	for _, rr := range resp.Extra {
		if o, ok := rr.(*dns.OPT); ok {
			opt = o
			continue
		}
		extra = append(extra, rr)
	}
	switch {
	case tc.ednsSize == 0 && opt != nil:
		t.Errorf("reply has %v, want no OPT", opt)
	case tc.ednsSize != 0 && (opt == nil || opt.UDPSize() != tc.ednsSize || opt.Version() != 0 || opt.Do()):
		t.Errorf("reply OPT %v, want version 0 size %d", opt, tc.ednsSize)
	}
	if !tc.whoami {
		if len(extra) != 0 {
			t.Errorf("additional %v, want empty", extra)
		}
		return
	}
	qname := resp.Question[0].Name
	var a, srv bool
	for _, rr := range extra {
		switch rr := rr.(type) {
		case *dns.A:
			a = rr.Hdr.Name == qname && rr.A.Equal(net.IPv4(127, 0, 0, 1))
		case *dns.SRV:
			srv = rr.Hdr.Name == "_"+network+"."+qname && rr.Target == "." && rr.Port != 0
		}
	}
	if len(extra) != 2 || !a || !srv {
		t.Errorf("additional %v, want whoami's A 127.0.0.1 and _%s SRV for %s", extra, network, qname)
	}
}

// TestMalformedPackets sends the packets of the malformed golden scenario
// over UDP and TCP: each gets the recorded rcode or is dropped, and the
// server keeps serving.
func TestMalformedPackets(t *testing.T) {
	udp, tcp := startServer(t, "lab.test:0 {\n    bind 127.0.0.1\n    whoami\n}\n")

	for _, nw := range transports(udp, tcp) {
		for _, tc := range malformedCases {
			t.Run(nw.network+"/"+tc.name, func(t *testing.T) {
				pkt := tc.packet(t)
				wait := 2 * time.Second
				if tc.drop {
					wait = 400 * time.Millisecond
				}
				var id uint16
				if len(pkt) >= 2 {
					id = binary.BigEndian.Uint16(pkt)
				}
				tc.check(t, nw.network, id, sendRawPacket(t, nw.network, nw.addr, pkt, wait))
			})
		}
	}

	// Still alive and well after all that.
	m := new(dns.Msg)
	m.SetQuestion("alive.lab.test.", dns.TypeA)
	for _, nw := range transports(udp, tcp) {
		if resp := e2eExchange(t, nw.network, nw.addr, m); resp.Rcode != dns.RcodeSuccess || len(resp.Extra) != 2 {
			t.Errorf("%s after the malformed packets: %v", nw.network, resp)
		}
	}
}

// TestMalformedTCPStream covers what only a stream can carry: a length that
// promises more than is sent, a zero length, and garbage between queries.
func TestMalformedTCPStream(t *testing.T) {
	_, tcp := startServer(t, "lab.test:0 {\n    bind 127.0.0.1\n    whoami\n}\n")

	streams := map[string][]byte{
		"length longer than the data": {0x01, 0x00, 0x7a, 0x01, 0x01, 0x00},
		"zero length":                 {0x00, 0x00},
		"one byte":                    {0x00},
	}
	for name, data := range streams {
		t.Run(name, func(t *testing.T) {
			conn, err := net.DialTimeout("tcp", tcp, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(500 * time.Millisecond)) //nolint:errcheck
			if _, err := conn.Write(data); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 512)
			if n, err := conn.Read(buf); err == nil {
				t.Errorf("got %d bytes back, want nothing", n)
			}
		})
	}

	// A valid query on a fresh connection still works.
	m := new(dns.Msg)
	m.SetQuestion("alive.lab.test.", dns.TypeA)
	if resp := e2eExchange(t, "tcp", tcp, m); resp.Rcode != dns.RcodeSuccess {
		t.Errorf("after the broken streams: %v", resp)
	}
}
