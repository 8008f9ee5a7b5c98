package debug

import (
	"fmt"
	"strings"

	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
)

// Hexdump logs, at debug level, v followed by m in wire format as a hex dump
// that text2pcap can read back. Nothing is done unless debug logging is on.
func Hexdump(m *dns.Msg, v ...any) {
	if !clog.D.Value() || m == nil {
		return
	}
	clog.Debug(fmt.Sprint(v...) + hexdump(m))
}

// Hexdumpf is Hexdump with the text before the dump formatted as by fmt.Sprintf.
func Hexdumpf(m *dns.Msg, format string, v ...any) {
	if !clog.D.Value() || m == nil {
		return
	}
	clog.Debug(fmt.Sprintf(format, v...) + hexdump(m))
}

// hexdump packs m and renders it od-style: each line holds a six digit hex
// offset and up to 16 bytes, every line prefixed with "debug: " so the dump
// can be grepped out of a log, and a last line with the total length.
func hexdump(m *dns.Msg) string {
	buf, err := m.Pack()
	if err != nil {
		return "(cannot pack message: " + err.Error() + ")"
	}
	const hexdigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(buf)*3 + (len(buf)/16+2)*15)
	offset := func(n int) {
		b.WriteString("\ndebug: ")
		for shift := 20; shift >= 0; shift -= 4 {
			b.WriteByte(hexdigits[(n>>shift)&0xf])
		}
	}
	for i, c := range buf {
		if i%16 == 0 {
			offset(i)
		}
		b.WriteByte(' ')
		b.WriteByte(hexdigits[c>>4])
		b.WriteByte(hexdigits[c&0xf])
	}
	offset(len(buf))
	b.WriteByte('\n')
	return b.String()
}
