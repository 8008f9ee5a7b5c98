// Package replacer expands placeholders such as {name} or {rcode} in a
// format string with values taken from a query, its recorded response and
// the query's metadata. The log plugin uses it for its query log lines.
//
// Formats are parsed once and cached; expanding appends into a pooled buffer,
// so the only allocation per call is the returned string.
package replacer

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/coredns/coredns/plugin/metadata"
	"github.com/coredns/coredns/plugin/pkg/dnstest"
	"github.com/coredns/coredns/request"

	"github.com/miekg/dns"
)

// EmptyValue is written in place of a placeholder that has no value.
const EmptyValue = "-"

// Replacer expands placeholders. The zero value is ready to use.
type Replacer struct{}

// New returns a Replacer.
func New() Replacer { return Replacer{} }

// Replace returns s with every known placeholder replaced by its value for
// the query in state and the response recorded by rr (which may be nil when
// there is no response yet). Unknown placeholders are left as they are;
// placeholders without a value become EmptyValue.
func (Replacer) Replace(ctx context.Context, state request.Request, rr *dnstest.Recorder, s string) string {
	f := formatFor(s)
	bp := bufPool.Get().(*[]byte)
	b := (*bp)[:0]
	for i := range f {
		p := &f[i]
		switch p.kind {
		case kLiteral:
			b = append(b, p.text...)
		case kMetadata:
			b = appendMetadata(ctx, b, p.text)
		default:
			start := len(b)
			b = appendValue(b, p.kind, &state, rr)
			if len(b) == start {
				b = append(b, EmptyValue...)
			}
		}
	}
	out := string(b)
	if cap(b) <= 64<<10 {
		*bp = b
		bufPool.Put(bp)
	}
	return out
}

// appendMetadata appends the value of the metadata label, or EmptyValue.
func appendMetadata(ctx context.Context, b []byte, label string) []byte {
	if f := metadata.ValueFunc(ctx, label); f != nil {
		if v := f(); v != "" {
			return append(b, v...)
		}
	}
	return append(b, EmptyValue...)
}

// appendValue appends the value of the placeholder k; it appends nothing
// when there is no value.
func appendValue(b []byte, k kind, state *request.Request, rr *dnstest.Recorder) []byte {
	switch k {
	case kType:
		return append(b, state.Type()...)
	case kName:
		return append(b, state.Name()...)
	case kClass:
		return append(b, state.Class()...)
	case kProto:
		return append(b, state.Proto()...)
	case kSize:
		return strconv.AppendInt(b, int64(state.Len()), 10)
	case kRemote:
		if state.W == nil {
			return b
		}
		return appendAddr(b, state.W.RemoteAddr(), state.IP)
	case kPort:
		if state.W == nil {
			return b
		}
		return appendPort(b, state.W.RemoteAddr(), state.Port)
	case kLocal:
		if state.W == nil {
			return b
		}
		return appendAddr(b, state.W.LocalAddr(), state.LocalIP)
	case kID:
		return strconv.AppendUint(b, uint64(state.Req.Id), 10)
	case kOpcode:
		return strconv.AppendInt(b, int64(state.Req.Opcode), 10)
	case kDo:
		return strconv.AppendBool(b, state.Do())
	case kBufsize:
		return strconv.AppendInt(b, int64(state.Size()), 10)
	}
	return appendResponse(b, k, rr)
}

// appendResponse handles the placeholders that describe the response.
func appendResponse(b []byte, k kind, rr *dnstest.Recorder) []byte {
	if rr == nil {
		return b
	}
	switch k {
	case kRcode:
		if rr.Msg == nil {
			return b // nothing was written: no rcode to show
		}
		if s, ok := dns.RcodeToString[rr.Rcode]; ok {
			return append(b, s...)
		}
		return strconv.AppendInt(b, int64(rr.Rcode), 10)
	case kRsize:
		return strconv.AppendInt(b, int64(rr.Len), 10)
	case kDuration:
		b = strconv.AppendFloat(b, time.Since(rr.Start).Seconds(), 'f', -1, 64)
		return append(b, 's')
	case kRflags:
		if rr.Msg == nil {
			return b
		}
		return appendFlags(b, &rr.Msg.MsgHdr)
	}
	return b
}

// appendFlags appends the set header flags as a comma separated list.
func appendFlags(b []byte, h *dns.MsgHdr) []byte {
	flags := [...]struct {
		on   bool
		name string
	}{
		{h.Response, "qr"},
		{h.Authoritative, "aa"},
		{h.Truncated, "tc"},
		{h.RecursionDesired, "rd"},
		{h.RecursionAvailable, "ra"},
		{h.Zero, "z"},
		{h.AuthenticatedData, "ad"},
		{h.CheckingDisabled, "cd"},
	}
	start := len(b)
	for _, f := range flags {
		if !f.on {
			continue
		}
		if len(b) > start {
			b = append(b, ',')
		}
		b = append(b, f.name...)
	}
	return b
}

// appendAddr appends the IP of a, in brackets when it is an IPv6 address.
// UDP and TCP addresses are formatted without allocating; other kinds go
// through fallback.
func appendAddr(b []byte, a net.Addr, fallback func() string) []byte {
	var ip net.IP
	switch v := a.(type) {
	case *net.UDPAddr:
		ip = v.IP
	case *net.TCPAddr:
		ip = v.IP
	default:
		if a == nil {
			return b
		}
		s := fallback()
		if len(s) > 0 && s[0] != '[' && strings.IndexByte(s, ':') >= 0 {
			b = append(b, '[')
			b = append(b, s...)
			return append(b, ']')
		}
		return append(b, s...)
	}
	addr, ok := netip.AddrFromSlice(ip)
	if !ok {
		return b
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.AppendTo(b)
	}
	b = append(b, '[')
	b = addr.AppendTo(b)
	return append(b, ']')
}

// appendPort appends the port of a.
func appendPort(b []byte, a net.Addr, fallback func() string) []byte {
	switch v := a.(type) {
	case *net.UDPAddr:
		return strconv.AppendInt(b, int64(v.Port), 10)
	case *net.TCPAddr:
		return strconv.AppendInt(b, int64(v.Port), 10)
	case nil:
		return b
	}
	return append(b, fallback()...)
}
