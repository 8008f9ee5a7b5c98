// Package request wraps a DNS query and its response writer with cheap,
// cached accessors for the values plugins ask for on every query.
package request

import (
	"net"
	"strings"

	"github.com/coredns/coredns/plugin/pkg/edns"

	"github.com/miekg/dns"
)

// Request is the per-query view plugins work with. The zero value is not
// useful: set Req and W.
type Request struct {
	Req *dns.Msg
	W   dns.ResponseWriter

	// Zone is the zone the query matched, set by plugins that need it.
	Zone string

	// Cached values; zero means "not computed yet".
	size   uint16
	do     int8 // 0 unknown, 1 false, 2 true
	family int8 // 0 unknown, 1 IPv4, 2 IPv6
	name   string
	ip     string
	port   string
	proto  string
}

// NewWithQuestion returns a copy of r whose message asks name/typ in class IN.
func (r *Request) NewWithQuestion(name string, typ uint16) Request {
	req := Request{W: r.W, Req: r.Req.Copy()}
	q := dns.Question{Name: dns.Fqdn(name), Qtype: typ, Qclass: dns.ClassINET}
	if len(req.Req.Question) == 0 {
		req.Req.Question = []dns.Question{q}
	} else {
		req.Req.Question[0] = q
	}
	return req
}

// IP returns the client's IP address as a string.
func (r *Request) IP() string {
	if r.ip == "" {
		r.ip, r.port = hostPort(r.W.RemoteAddr())
	}
	return r.ip
}

// Port returns the client's source port.
func (r *Request) Port() string {
	if r.port == "" {
		r.ip, r.port = hostPort(r.W.RemoteAddr())
	}
	return r.port
}

// LocalIP returns the address the query was received on.
func (r *Request) LocalIP() string {
	ip, _ := hostPort(r.W.LocalAddr())
	return ip
}

// LocalPort returns the port the query was received on.
func (r *Request) LocalPort() string {
	_, port := hostPort(r.W.LocalAddr())
	return port
}

// RemoteAddr returns the client's address as host:port.
func (r *Request) RemoteAddr() string { return r.W.RemoteAddr().String() }

// LocalAddr returns the server's address as host:port.
func (r *Request) LocalAddr() string { return r.W.LocalAddr().String() }

// hostPort splits an address into IP and port without going through strings
// for the common UDP and TCP cases.
func hostPort(a net.Addr) (string, string) {
	switch v := a.(type) {
	case *net.UDPAddr:
		return v.IP.String(), itoa(v.Port)
	case *net.TCPAddr:
		return v.IP.String(), itoa(v.Port)
	case nil:
		return "", ""
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), "0"
	}
	return host, port
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [8]byte
	n := len(b)
	for i > 0 && n > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

// Proto returns "udp" or "tcp", the transport the query arrived on.
func (r *Request) Proto() string {
	if r.proto == "" {
		r.proto = proto(r.W)
	}
	return r.proto
}

func proto(w dns.ResponseWriter) string {
	if w == nil {
		return "udp"
	}
	switch w.RemoteAddr().(type) {
	case *net.TCPAddr:
		return "tcp"
	case *net.UDPAddr:
		return "udp"
	}
	if strings.HasPrefix(w.RemoteAddr().Network(), "tcp") {
		return "tcp"
	}
	return "udp"
}

// Family returns 1 for an IPv4 client and 2 for an IPv6 client.
func (r *Request) Family() int {
	if r.family != 0 {
		return int(r.family)
	}
	var ip net.IP
	switch v := r.W.RemoteAddr().(type) {
	case *net.UDPAddr:
		ip = v.IP
	case *net.TCPAddr:
		ip = v.IP
	default:
		ip = net.ParseIP(r.IP())
	}
	r.family = 2
	if ip.To4() != nil {
		r.family = 1
	}
	return int(r.family)
}

// Do reports whether the query has the DNSSEC OK bit set.
func (r *Request) Do() bool {
	if r.do == 0 {
		r.do = 1
		if o := r.Req.IsEdns0(); o != nil && o.Do() {
			r.do = 2
		}
	}
	return r.do == 2
}

// Len returns the length of the query in bytes.
func (r *Request) Len() int { return r.Req.Len() }

// Size returns the largest response the client accepts: 64 KiB over TCP, and
// the EDNS buffer size (at least 512) over UDP.
func (r *Request) Size() int {
	if r.size != 0 {
		return int(r.size)
	}
	var size uint16
	if o := r.Req.IsEdns0(); o != nil {
		size = o.UDPSize()
	}
	r.size = edns.Size(r.Proto(), size)
	return int(r.size)
}

// SizeAndDo makes m carry an OPT record when the query had one, mirroring the
// query's buffer size and DO bit with version 0. It reports whether it did.
func (r *Request) SizeAndDo(m *dns.Msg) bool {
	o := r.Req.IsEdns0()
	if o == nil {
		return false
	}
	do := o.Do()
	if mo := m.IsEdns0(); mo != nil {
		mo.Hdr.Name = "."
		mo.Hdr.Rrtype = dns.TypeOPT
		mo.SetVersion(0)
		mo.SetUDPSize(o.UDPSize())
		mo.Hdr.Ttl &= 0xff00 // clears version and extended rcode, keeps DO
		if do {
			mo.SetDo()
		}
		return true
	}
	var opt *dns.OPT
	if n := len(m.Extra); n < cap(m.Extra) || n >= len(optExtra{}.rrs) {
		opt = new(dns.OPT)
		m.Extra = append(m.Extra, opt)
	} else {
		// One allocation for the OPT record and the grown section.
		x := new(optExtra)
		opt = &x.opt
		m.Extra = append(append(x.rrs[:0], m.Extra...), opt)
	}
	opt.Hdr = dns.RR_Header{Name: ".", Rrtype: dns.TypeOPT, Class: o.Hdr.Class}
	opt.SetDo(do)
	opt.Option = supportedOptions(o.Option)
	return true
}

// optExtra is an OPT record with room for the additional section it ends.
type optExtra struct {
	opt dns.OPT
	rrs [4]dns.RR
}

// supportedOptions keeps the EDNS options a plugin declared supported.
func supportedOptions(opts []dns.EDNS0) []dns.EDNS0 {
	var kept []dns.EDNS0
	for _, o := range opts {
		if edns.SupportedOption(o.Option()) {
			kept = append(kept, o)
		}
	}
	return kept
}

// Scrub truncates reply to fit the client's buffer (setting TC when records
// had to go) and compresses large UDP answers to avoid fragmentation.
func (r *Request) Scrub(reply *dns.Msg) *dns.Msg {
	size := r.Size()
	reply.Truncate(size)
	if reply.Compress {
		return reply
	}
	if r.Proto() == "udp" && size > 1220 {
		// Truncate left the reply uncompressed, so it is at most size
		// bytes: with a buffer under both thresholds it cannot need
		// compression and its length need not be computed again.
		limit := 1480
		if r.Family() == 2 {
			limit = 1220
		}
		if size > limit && reply.Len() > limit {
			reply.Compress = true
		}
	}
	return reply
}

// Type returns the query type as a string, e.g. "AAAA".
func (r *Request) Type() string {
	if len(r.Req.Question) == 0 {
		return ""
	}
	return dns.Type(r.Req.Question[0].Qtype).String()
}

// QType returns the query type.
func (r *Request) QType() uint16 {
	if len(r.Req.Question) == 0 {
		return 0
	}
	return r.Req.Question[0].Qtype
}

// Name returns the query name lowercased and fully qualified.
func (r *Request) Name() string {
	if r.name != "" {
		return r.name
	}
	if len(r.Req.Question) == 0 {
		return "."
	}
	r.name = lowerFqdn(r.Req.Question[0].Name)
	return r.name
}

// lowerFqdn lowercases s and adds a final dot, allocating only when needed.
func lowerFqdn(s string) string {
	lower := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			lower = false
			break
		}
	}
	if !lower {
		s = strings.ToLower(s)
	}
	return dns.Fqdn(s)
}

// QName returns the query name as the client wrote it.
func (r *Request) QName() string {
	if len(r.Req.Question) == 0 {
		return "."
	}
	return dns.Fqdn(r.Req.Question[0].Name)
}

// Class returns the query class as a string, e.g. "IN".
func (r *Request) Class() string {
	if len(r.Req.Question) == 0 {
		return ""
	}
	return dns.Class(r.Req.Question[0].Qclass).String()
}

// QClass returns the query class.
func (r *Request) QClass() uint16 {
	if len(r.Req.Question) == 0 {
		return 0
	}
	return r.Req.Question[0].Qclass
}

// Clear drops the cached values, for use after the message changed.
func (r *Request) Clear() {
	r.name, r.ip, r.port, r.proto = "", "", "", ""
	r.size, r.do, r.family = 0, 0, 0
}

// Match reports whether reply is a response to r: the response bit is set and
// the question matches in name (case-insensitively), type and class.
func (r *Request) Match(reply *dns.Msg) bool {
	if len(reply.Question) != 1 || len(r.Req.Question) != 1 || !reply.Response {
		return false
	}
	q, a := r.Req.Question[0], reply.Question[0]
	return q.Qtype == a.Qtype && q.Qclass == a.Qclass && strings.EqualFold(q.Name, a.Name)
}
