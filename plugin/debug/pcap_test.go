package debug

import (
	"bytes"
	golog "log"
	"os"
	"strings"
	"testing"

	clog "github.com/coredns/coredns/plugin/pkg/log"

	"github.com/miekg/dns"
)

func msgForDump() *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion("example.local.", dns.TypeA)
	m.Id = 10
	m.SetEdns0(4096, true)
	return m
}

func captureLog(f func()) string {
	var buf bytes.Buffer
	golog.SetOutput(&buf)
	flags := golog.Flags()
	golog.SetFlags(0)
	defer func() {
		golog.SetOutput(os.Stderr)
		golog.SetFlags(flags)
	}()
	f()
	return buf.String()
}

func TestHexdump(t *testing.T) {
	m := msgForDump()
	want := "\ndebug: 000000 00 0a 01 00 00 01 00 00 00 00 00 01 07 65 78 61" +
		"\ndebug: 000010 6d 70 6c 65 05 6c 6f 63 61 6c 00 00 01 00 01 00" +
		"\ndebug: 000020 00 29 10 00 00 00 80 00 00 00" +
		"\ndebug: 00002a\n"
	if got := hexdump(m); got != want {
		t.Errorf("hexdump:\n%q\nwant\n%q", got, want)
	}
}

func TestHexdumpLogging(t *testing.T) {
	m := msgForDump()

	clog.D.Clear()
	if out := captureLog(func() { Hexdump(m, "query") }); out != "" {
		t.Errorf("debug off: logged %q", out)
	}

	clog.D.Set()
	defer clog.D.Clear()
	out := captureLog(func() { Hexdump(m, "query ", 1) })
	if !strings.HasPrefix(out, "[DEBUG] query 1\ndebug: 000000 00 0a ") || !strings.HasSuffix(out, "\ndebug: 00002a\n") {
		t.Errorf("Hexdump logged %q", out)
	}
	out = captureLog(func() { Hexdumpf(m, "reply %d from %s", 2, "x") })
	if !strings.HasPrefix(out, "[DEBUG] reply 2 from x\ndebug: 000000 ") {
		t.Errorf("Hexdumpf logged %q", out)
	}
	if out := captureLog(func() { Hexdump(nil, "nil") }); out != "" {
		t.Errorf("nil message: logged %q", out)
	}
}
